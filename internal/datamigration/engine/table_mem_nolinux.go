//go:build unix && !linux

package engine

func madviseHuge(mem []byte) {}
