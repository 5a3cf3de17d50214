//go:build unix

package app_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuTimer reports the process's CPU time (user + system) per operation
// as "cpu-ns/op": unlike ns/op it hardly moves when other work shares the
// machine, and under RunParallel it is the cost of one request on all
// cores together.
type cpuTimer struct{ start time.Duration }

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuTimer { return cpuTimer{start: cpuNow()} }

func (c cpuTimer) report(b *testing.B) {
	if d := cpuNow() - c.start; d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
