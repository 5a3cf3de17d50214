package engine

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// KeySet is a set of values kept as 64-bit hashes: a million codes
// cost 8–16 MB instead of the strings' 60–80 MB, and adding a key never
// allocates. Two different values share a hash with a probability of about
// n²/2⁶⁵ (3·10⁻⁸ for a million keys), which the uniqueness and lookup
// checks accept. Hashes are stable across processes, so a set may be saved
// (WriteTo) and used by a later run (ReadKeySet).
type KeySet struct {
	t table[struct{}]
}

// NewKeySet returns a set holding values.
func NewKeySet(values ...string) *KeySet {
	s := &KeySet{}
	for _, v := range values {
		s.Add(v)
	}
	return s
}

// Add puts v in the set.
func (s *KeySet) Add(v string) { s.t.put(hashString(v), struct{}{}) }

// Has reports whether v is in the set.
func (s *KeySet) Has(v string) bool {
	if s == nil {
		return false
	}
	_, ok := s.t.get(hashString(v))
	return ok
}

// Len is the number of distinct values.
func (s *KeySet) Len() int {
	if s == nil {
		return 0
	}
	return s.t.n
}

var keySetMagic = [8]byte{'G', 'L', 'K', 'S', 'E', 'T', '0', '1'}

// WriteTo writes the set in a compact binary form (8-byte magic, count,
// hashes little-endian).
func (s *KeySet) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	var buf [8]byte
	bw.Write(keySetMagic[:])
	binary.LittleEndian.PutUint64(buf[:], uint64(s.Len()))
	bw.Write(buf[:])
	n += 16
	s.t.each(func(h uint64, _ struct{}) {
		binary.LittleEndian.PutUint64(buf[:], h)
		bw.Write(buf[:])
		n += 8
	})
	return n, bw.Flush()
}

// ReadKeySet reads a set written by WriteTo.
func ReadKeySet(r io.Reader) (*KeySet, error) {
	br := bufio.NewReader(r)
	var head [16]byte
	if _, err := io.ReadFull(br, head[:]); err != nil || [8]byte(head[:8]) != keySetMagic {
		return nil, errors.New("engine: not a key set")
	}
	count := binary.LittleEndian.Uint64(head[8:])
	if count > 1<<30 {
		return nil, errors.New("engine: key set too large")
	}
	s := &KeySet{}
	var buf [8]byte
	for range count {
		if _, err := io.ReadFull(br, buf[:]); err != nil {
			return nil, errors.New("engine: key set truncated")
		}
		s.t.put(binary.LittleEndian.Uint64(buf[:]), struct{}{})
	}
	return s, nil
}

// The key hash: 8-byte words, each xored in and put through murmur3's
// 64-bit finaliser (a bijection), then the length. For two values of the
// same length each step is a bijection of the state, so they never
// collide; values of different lengths collide like random 64-bit numbers.
// It is about five times faster than byte-wise FNV-1a, and its low bits
// are well mixed, which the open-addressing table relies on.
const hashSeed = 0x9E3779B97F4A7C15

func hashString(s string) uint64 { return hashAdd(hashSeed, s) }

func fmix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func hashAdd(h uint64, s string) uint64 {
	n := uint64(len(s))
	for len(s) >= 8 {
		h = fmix(h ^ (uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56))
		s = s[8:]
	}
	var tail uint64
	for i := len(s) - 1; i >= 0; i-- {
		tail = tail<<8 | uint64(s[i])
	}
	h = fmix(h ^ tail)
	return fmix(h ^ n)
}

// hashSep separates the parts of a composite key so ("ab","c") and
// ("a","bc") differ (the lengths already do; this marks the boundary).
func hashSep(h uint64) uint64 { return fmix(h ^ 0x1f) }
