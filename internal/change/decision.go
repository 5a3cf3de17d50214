package change

import "slices"

// Rule is how a board turns votes into a decision.
type Rule string

const (
	RuleUnanimous Rule = "unanimous" // every vote cast approves; one reject rejects
	RuleMajority  Rule = "majority"  // more than half of the votes cast; a tie goes to the chair's vote
	RuleChair     Rule = "chair"     // the chair's vote decides, the others advise
)

// Rules in display order.
var Rules = []Rule{RuleUnanimous, RuleMajority, RuleChair}

// Valid reports a known rule.
func (r Rule) Valid() bool { return slices.Contains(Rules, r) }

// Vote is one member's ballot.
type Vote string

const (
	VoteApprove Vote = "approve"
	VoteReject  Vote = "reject"
	VoteDefer   Vote = "defer"
)

// Votes in display order.
var Votes = []Vote{VoteApprove, VoteReject, VoteDefer}

// Valid reports a known vote.
func (v Vote) Valid() bool { return slices.Contains(Votes, v) }

// Outcome is the state of a change request's decision.
type Outcome string

const (
	Pending     Outcome = "open"
	OutApproved Outcome = "approved"
	OutRejected Outcome = "rejected"
	OutDeferred Outcome = "deferred"
)

// Board is a decision body: its members (both sides), the chair (one of
// them), the rule and the quorum (how many members must have voted before
// any decision stands).
type Board struct {
	Members []int64 `json:"members"`
	Chair   int64   `json:"chair"`
	Rule    Rule    `json:"rule"`
	Quorum  int     `json:"quorum"`
}

// IsMember reports whether a user sits on the board.
func (b Board) IsMember(id int64) bool { return slices.Contains(b.Members, id) }

// Ballot is a cast vote.
type Ballot struct {
	UserID int64
	Vote   Vote
}

// Why explains a pending or reached decision (a catalog key suffix).
type Why string

const (
	WhyQuorum    Why = "quorum"     // fewer members voted than the quorum
	WhyWaiting   Why = "waiting"    // quorum met but the rule cannot decide yet
	WhyChairVote Why = "chair_vote" // chair rule: the chair has not voted
	WhyDecided   Why = "decided"
	WhyTie       Why = "tie" // majority tie, broken by the chair or deferred
)

// Tally counts the ballots of members; a non-member's ballot or a second
// ballot of the same member is ignored (the database refuses both; this
// keeps the function total).
type Tally struct {
	Approve, Reject, Defer int
	Cast                   int
	Chair                  Vote // "" when the chair has not voted
}

func tally(b Board, votes []Ballot) Tally {
	var t Tally
	seen := map[int64]bool{}
	for _, v := range votes {
		if !b.IsMember(v.UserID) || seen[v.UserID] || !v.Vote.Valid() {
			continue
		}
		seen[v.UserID] = true
		t.Cast++
		switch v.Vote {
		case VoteApprove:
			t.Approve++
		case VoteReject:
			t.Reject++
		case VoteDefer:
			t.Defer++
		}
		if v.UserID == b.Chair {
			t.Chair = v.Vote
		}
	}
	return t
}

// Decide computes the decision from the board's rule. With final false it
// decides only when no vote still to come could change the result (the
// decision after each vote); with final true the members who did not vote
// abstain (the chair closes the vote). No decision stands without quorum.
func Decide(b Board, votes []Ballot, final bool) (Outcome, Why) {
	t := tally(b, votes)
	n := len(b.Members)
	quorum := max(b.Quorum, 1)
	if t.Cast < quorum {
		return Pending, WhyQuorum
	}
	remaining := n - t.Cast
	switch b.Rule {
	case RuleUnanimous:
		if t.Reject > 0 {
			return OutRejected, WhyDecided
		}
		if remaining > 0 && !final {
			return Pending, WhyWaiting
		}
		if t.Defer > 0 {
			return OutDeferred, WhyDecided
		}
		return OutApproved, WhyDecided
	case RuleChair:
		switch t.Chair {
		case VoteApprove:
			return OutApproved, WhyDecided
		case VoteReject:
			return OutRejected, WhyDecided
		case VoteDefer:
			return OutDeferred, WhyDecided
		}
		return Pending, WhyChairVote
	default: // majority of the votes cast
		if !final && remaining > 0 {
			// Early only when the remaining members cannot overturn it.
			switch {
			case 2*t.Approve > n:
				return OutApproved, WhyDecided
			case 2*t.Reject > n:
				return OutRejected, WhyDecided
			case 2*t.Defer > n:
				return OutDeferred, WhyDecided
			}
			return Pending, WhyWaiting
		}
		switch {
		case 2*t.Approve > t.Cast:
			return OutApproved, WhyDecided
		case 2*t.Reject > t.Cast:
			return OutRejected, WhyDecided
		case t.Approve == t.Reject && t.Approve > 0:
			switch t.Chair {
			case VoteApprove:
				return OutApproved, WhyTie
			case VoteReject:
				return OutRejected, WhyTie
			}
			return OutDeferred, WhyTie
		}
		return OutDeferred, WhyDecided
	}
}

// CountOf returns the tally, for display.
func CountOf(b Board, votes []Ballot) Tally { return tally(b, votes) }
