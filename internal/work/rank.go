package work

import "math"

// Board order: each card has a REAL rank; a column is sorted by it. A
// moved card takes the midpoint of its new neighbours, so a move writes
// one row. Halving a gap about 50 times exhausts a float64's precision;
// well before that (minGap) the column is renumbered in its current
// order, rankStep apart, in the same transaction.
const (
	rankStep = 1024.0
	minGap   = 1e-6
)

// rankBetween returns the rank for a card placed between a card of rank
// lo (hasLo) and one of rank hi (hasHi). ok is false when the gap is too
// small (or the neighbours are out of order) and the column needs
// renumbering first.
func rankBetween(lo float64, hasLo bool, hi float64, hasHi bool) (r float64, ok bool) {
	switch {
	case hasLo && hasHi:
		if !(hi-lo > minGap) {
			return 0, false
		}
		r = lo + (hi-lo)/2
		if r <= lo || r >= hi {
			return 0, false
		}
		return r, true
	case hasLo:
		r = lo + rankStep
		return r, r > lo && !math.IsInf(r, 0)
	case hasHi:
		r = hi - rankStep
		return r, r < hi && !math.IsInf(r, 0)
	}
	return rankStep, true
}

// renumber gives n cards in order the ranks step, 2·step, … n·step.
func renumber(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i+1) * rankStep
	}
	return out
}
