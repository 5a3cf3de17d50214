//go:build linux

package engine

import "syscall"

// madviseHuge asks for transparent huge pages: probes into a table of
// tens of megabytes otherwise miss the TLB as well as the cache.
func madviseHuge(mem []byte) { syscall.Madvise(mem, 14) } // MADV_HUGEPAGE
