//go:build !unix

package app_test

import "testing"

type cpuTimer struct{}

func startCPU() cpuTimer             { return cpuTimer{} }
func (cpuTimer) report(b *testing.B) {}
