package engine

import (
	"strconv"
	"testing"
)

func TestTable(t *testing.T) {
	var tb table[int32]
	for i := range 100_000 {
		h := hashString("k" + strconv.Itoa(i))
		if _, dup := tb.getOrPut(h, int32(i)); dup {
			t.Fatalf("%d reported as seen", i)
		}
	}
	for i := range 100_000 {
		v, dup := tb.getOrPut(hashString("k"+strconv.Itoa(i)), -1)
		if !dup || v != int32(i) {
			t.Fatalf("%d: %d %v", i, v, dup)
		}
	}
	if tb.n != 100_000 {
		t.Fatal(tb.n)
	}
	// Hash zero is stored as 1 and still found; put replaces.
	var z table[int32]
	z.put(0, 7)
	if v, ok := z.get(0); !ok || v != 7 {
		t.Error("zero hash")
	}
	z.put(0, 8)
	if v, _ := z.get(0); v != 8 || z.n != 1 {
		t.Error("put does not replace")
	}
	if _, ok := z.get(12345); ok {
		t.Error("phantom")
	}
}

func TestHashSeparatesParts(t *testing.T) {
	a := hashSep(hashAdd(hashSep(hashAdd(hashSeed, "ab")), "c"))
	b := hashSep(hashAdd(hashSep(hashAdd(hashSeed, "a")), "bc"))
	if a == b {
		t.Error("composite parts run together")
	}
	seen := map[uint64]string{}
	for i := range 200_000 {
		s := "C" + strconv.Itoa(i)
		h := hashString(s)
		if o, ok := seen[h]; ok {
			t.Fatalf("%s and %s collide", s, o)
		}
		seen[h] = s
	}
}

func BenchmarkTableInsert1M(b *testing.B) {
	for range b.N {
		var tb table[int32]
		for i := range 1_000_000 {
			tb.getOrPut(fmix(uint64(i)+1), int32(i))
		}
	}
}
