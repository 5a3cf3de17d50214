package engine

// table is an open-addressing hash table keyed by 64-bit hashes with
// linear probing. The key sets of a million-row run are the one part of a
// run that grows, and with a million keys every probe is a cache miss:
// Go's map costs a lookup and then an insert, each over control groups,
// while this table answers "seen before? else remember" in one probe of
// one slot holding both the hash and its value. Tables stay at most three
// quarters full (linear probing's runs grow fast beyond that), and a run
// reserves room for its expected row count early, so they rarely grow. The zero hash marks an
// empty slot, so a real zero hash is stored as 1 (one more collision in
// 2⁶⁴).
type table[V any] struct {
	slots []slot[V]
	n     int
	// offHeap: slots are mapped outside the Go heap (a run's own tables,
	// see allocSlots); release must unmap them. Key sets handed to callers
	// stay on the heap.
	offHeap bool
	mapped  bool
}

// release unmaps an off-heap table; it must not be used afterwards.
func (t *table[V]) release() {
	if t.mapped {
		freeSlots(t.slots)
	}
	t.slots, t.n, t.mapped = nil, 0, false
}

// A slot keeps the hash as two halves so that a slot with an int32 value
// is 12 bytes, not 16: a million keys in 2²¹ slots cost 24 MB.
type slot[V any] struct {
	lo, hi uint32
	v      V
}

func (s *slot[V]) hash() uint64 { return uint64(s.lo) | uint64(s.hi)<<32 }
func (s *slot[V]) set(h uint64, v V) {
	s.lo, s.hi, s.v = uint32(h), uint32(h>>32), v
}

const tableMinSize = 1024

// getOrPut returns the value stored under h and true, or stores v under h
// and returns v and false.
func (t *table[V]) getOrPut(h uint64, v V) (V, bool) {
	if h == 0 {
		h = 1
	}
	if t.n*4 >= len(t.slots)*3 {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch s.hash() {
		case h:
			return s.v, true
		case 0:
			s.set(h, v)
			t.n++
			return v, false
		}
	}
}

// put stores v under h, replacing any value.
func (t *table[V]) put(h uint64, v V) {
	if h == 0 {
		h = 1
	}
	if t.n*4 >= len(t.slots)*3 {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch s.hash() {
		case h:
			s.v = v
			return
		case 0:
			s.set(h, v)
			t.n++
			return
		}
	}
}

func (t *table[V]) get(h uint64) (V, bool) {
	var zero V
	if h == 0 {
		h = 1
	}
	if len(t.slots) == 0 {
		return zero, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.hash() {
		case h:
			return s.v, true
		case 0:
			return zero, false
		}
	}
}

func (t *table[V]) grow() { t.resize(max(tableMinSize, 2*len(t.slots))) }

// reserve sizes the table for n keys at once, so a large run does not pay
// for a dozen doublings and long probe runs before each of them.
func (t *table[V]) reserve(n int) {
	size := tableMinSize
	for size*3 < n*4 {
		size *= 2
	}
	if size > len(t.slots) {
		t.resize(size)
	}
}

func (t *table[V]) resize(size int) {
	old, oldMapped := t.slots, t.mapped
	if t.offHeap {
		t.slots, t.mapped = allocSlots[V](size)
	} else {
		t.slots, t.mapped = make([]slot[V], size), false
	}
	defer func() {
		if oldMapped {
			freeSlots(old)
		}
	}()
	mask := uint64(size - 1)
	for k := range old {
		h := old[k].hash()
		if h == 0 {
			continue
		}
		i := h & mask
		for t.slots[i].hash() != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = old[k]
	}
}

// each calls fn for every stored hash.
func (t *table[V]) each(fn func(h uint64, v V)) {
	for k := range t.slots {
		if h := t.slots[k].hash(); h != 0 {
			fn(h, t.slots[k].v)
		}
	}
}
