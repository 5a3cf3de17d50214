//go:build unix

package engine

import (
	"sync/atomic"
	"syscall"
	"unsafe"
)

// offHeapBytes is what the tables hold outside the heap now (tests and
// benchmarks add it to the heap to measure a run's memory).
var offHeapBytes atomic.Int64

// Large tables of a run live outside the Go heap, in anonymous mappings
// the run unmaps when it ends. A run's key sets are its one large live
// allocation: on the heap they would double the garbage collector's heap
// goal, so every row's short-lived strings would cycle through cold,
// freshly faulted memory instead of reused, cache-warm spans, and the
// process would hold twice the key sets' size. Mapped pages also arrive
// zeroed, with no clearing pass. Slots hold no pointers, so the collector
// need not see them.
const offHeapMin = 1 << 20

func allocSlots[V any](n int) (s []slot[V], mapped bool) {
	size := n * int(unsafe.Sizeof(slot[V]{}))
	if size < offHeapMin {
		return make([]slot[V], n), false
	}
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]slot[V], n), false
	}
	madviseHuge(mem)
	offHeapBytes.Add(int64(size))
	return unsafe.Slice((*slot[V])(unsafe.Pointer(&mem[0])), n), true
}

func freeSlots[V any](s []slot[V]) {
	if len(s) == 0 {
		return
	}
	size := len(s) * int(unsafe.Sizeof(slot[V]{}))
	syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), size))
	offHeapBytes.Add(-int64(size))
}
