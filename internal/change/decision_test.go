package change

import "testing"

func TestDecide(t *testing.T) {
	five := []int64{1, 2, 3, 4, 5}
	four := []int64{1, 2, 3, 4}
	v := func(pairs ...any) []Ballot {
		var out []Ballot
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, Ballot{UserID: int64(pairs[i].(int)), Vote: pairs[i+1].(Vote)})
		}
		return out
	}
	A, R, D := VoteApprove, VoteReject, VoteDefer
	for _, c := range []struct {
		name  string
		board Board
		votes []Ballot
		final bool
		want  Outcome
		why   Why
	}{
		{"unanimous all approve", Board{five, 1, RuleUnanimous, 3}, v(1, A, 2, A, 3, A, 4, A, 5, A), false, OutApproved, WhyDecided},
		{"unanimous waits for the rest", Board{five, 1, RuleUnanimous, 3}, v(1, A, 2, A, 3, A), false, Pending, WhyWaiting},
		{"unanimous closed with abstentions", Board{five, 1, RuleUnanimous, 3}, v(1, A, 2, A, 3, A), true, OutApproved, WhyDecided},
		{"unanimous one reject", Board{five, 1, RuleUnanimous, 3}, v(1, A, 2, R, 3, A), false, OutRejected, WhyDecided},
		{"unanimous defer defers", Board{five, 1, RuleUnanimous, 3}, v(1, A, 2, D, 3, A, 4, A, 5, A), false, OutDeferred, WhyDecided},
		{"unanimous reject without quorum waits", Board{five, 1, RuleUnanimous, 3}, v(2, R), false, Pending, WhyQuorum},
		{"majority early approve", Board{five, 1, RuleMajority, 3}, v(1, A, 2, A, 3, A), false, OutApproved, WhyDecided},
		{"majority not yet", Board{five, 1, RuleMajority, 3}, v(1, A, 2, A, 3, R), false, Pending, WhyWaiting},
		{"majority closed", Board{five, 1, RuleMajority, 3}, v(1, A, 2, A, 3, R), true, OutApproved, WhyDecided},
		{"majority early reject", Board{five, 1, RuleMajority, 3}, v(1, R, 2, R, 3, R), false, OutRejected, WhyDecided},
		{"majority tie chair approves", Board{four, 1, RuleMajority, 4}, v(1, A, 2, A, 3, R, 4, R), false, OutApproved, WhyTie},
		{"majority tie chair rejects", Board{four, 1, RuleMajority, 4}, v(1, R, 2, A, 3, A, 4, R), false, OutRejected, WhyTie},
		{"majority tie chair defers", Board{four, 1, RuleMajority, 3}, v(1, D, 2, A, 3, R), true, OutDeferred, WhyTie},
		{"majority defer plurality", Board{five, 1, RuleMajority, 3}, v(1, D, 2, D, 3, A), true, OutDeferred, WhyDecided},
		{"majority early defer", Board{five, 1, RuleMajority, 3}, v(1, D, 2, D, 3, D), false, OutDeferred, WhyDecided},
		{"chair decides approve", Board{five, 1, RuleChair, 2}, v(2, R, 1, A), false, OutApproved, WhyDecided},
		{"chair decides reject against the rest", Board{five, 1, RuleChair, 1}, v(1, R, 2, A, 3, A), false, OutRejected, WhyDecided},
		{"chair has not voted", Board{five, 1, RuleChair, 2}, v(2, A, 3, A, 4, A), true, Pending, WhyChairVote},
		{"chair alone below quorum", Board{five, 1, RuleChair, 2}, v(1, A), true, Pending, WhyQuorum},
		{"quorum not met on close", Board{five, 1, RuleMajority, 4}, v(1, A, 2, A, 3, A), true, Pending, WhyQuorum},
		{"non-members and repeats ignored", Board{five, 1, RuleMajority, 3}, v(9, A, 9, A, 8, A, 1, A, 1, R), true, Pending, WhyQuorum},
		{"abstentions do not count as no", Board{five, 1, RuleMajority, 2}, v(1, A, 2, A), true, OutApproved, WhyDecided},
		{"zero quorum means one", Board{five, 1, RuleUnanimous, 0}, v(3, A), true, OutApproved, WhyDecided},
	} {
		got, why := Decide(c.board, c.votes, c.final)
		if got != c.want || why != c.why {
			t.Errorf("%s: %s (%s), want %s (%s)", c.name, got, why, c.want, c.why)
		}
	}
}

func TestTallyCountsEachMemberOnce(t *testing.T) {
	b := Board{Members: []int64{1, 2}, Chair: 2, Rule: RuleMajority, Quorum: 1}
	tl := CountOf(b, []Ballot{{1, VoteApprove}, {1, VoteApprove}, {2, VoteDefer}, {3, VoteReject}})
	if tl.Cast != 2 || tl.Approve != 1 || tl.Defer != 1 || tl.Reject != 0 || tl.Chair != VoteDefer {
		t.Errorf("tally %+v", tl)
	}
}
