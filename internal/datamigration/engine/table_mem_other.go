//go:build !unix

package engine

import "sync/atomic"

var offHeapBytes atomic.Int64

func allocSlots[V any](n int) ([]slot[V], bool) { return make([]slot[V], n), false }

func freeSlots[V any](s []slot[V]) {}
