package work

import (
	"context"
	"strconv"

	"golive/internal/access"
)

// Swimlanes are drop targets: dropping a card into another person's lane
// makes that person its assignee, into another phase's lane moves it to
// that phase (see Move). So that every person and phase can be dropped
// on, vendor viewers get a lane for each live member (or phase) even when
// it holds no card yet (customers' lanes once they hold a card), plus the
// unassigned (no-phase) lane. Customers see
// only the lanes of the cards they may see, as before. A filter on the
// lane's own dimension shows only what it asks for.

// LaneAssigneeID is the person a lane key of the assignee grouping names
// (0: unassigned); ok is false for a key of another grouping.
func LaneAssigneeID(key string) (int64, bool) { return laneID(key, 'u') }

// LanePhaseID is the phase a lane key of the phase grouping names (0: none).
func LanePhaseID(key string) (int64, bool) { return laneID(key, 'p') }

func laneID(key string, prefix byte) (int64, bool) {
	if len(key) < 2 || key[0] != prefix {
		return 0, false
	}
	n, err := strconv.ParseInt(key[1:], 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// addEmptyLanes adds the lanes no card has made yet.
func (s *Service) addEmptyLanes(ctx context.Context, p *access.Principal, projectID int64, swimlane string, f Filter, columns int,
	lanes map[string]*Lane, order *[]string) error {
	add := func(key, name string) {
		if lanes[key] != nil {
			return
		}
		lanes[key] = &Lane{Key: key, Name: name, Cells: make([][]Card, columns)}
		*order = append(*order, key)
	}
	switch swimlane {
	case LaneAssignee:
		if f.AssigneeID != 0 {
			return nil
		}
		ms, err := s.Members(ctx, p, projectID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			// The delivery team's lanes only: a customer's lane appears
			// once a card is theirs, so executives who never take tasks
			// do not fill the board with empty rows.
			if m.Vendor {
				add("u"+strconv.FormatInt(m.UserID, 10), m.Name)
			}
		}
		add("u0", "")
	case LanePhase:
		if f.PhaseID != 0 {
			return nil
		}
		ps, err := s.Phases(ctx, projectID)
		if err != nil {
			return err
		}
		for _, ph := range ps {
			add("p"+strconv.FormatInt(ph.ID, 10), ph.Name)
		}
		add("p0", "")
	}
	return nil
}
