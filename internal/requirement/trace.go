package requirement

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
)

// TraceColumn is a registered kind as the matrix shows it.
type TraceColumn struct {
	Kind     string `json:"kind"`
	LabelKey string `json:"label_key"`
}

// TraceRow is one requirement of the traceability matrix: its functions,
// their tasks, and the objects of every registered kind.
type TraceRow struct {
	Requirement Requirement           `json:"requirement"`
	Functions   []Function            `json:"functions"`
	Extra       map[string][]TraceRef `json:"extra"`
}

// Trace filters.
const (
	TraceAll         = ""
	TraceNoFunction  = "no_function" // requirements with no function
	TraceNoTask      = "no_task"     // rows with a function that has no task
	TraceMustNotDone = "must_open"   // must-haves not yet implemented
)

// TraceFilters lists the filters.
var TraceFilters = []string{TraceNoFunction, TraceNoTask, TraceMustNotDone}

// Trace is the traceability matrix of the project as the caller may see
// it. Rejected requirements are left out unless they have functions.
type Trace struct {
	Columns []TraceColumn `json:"columns"`
	Rows    []TraceRow    `json:"rows"`
	// Orphans are live functions mapped to no requirement the caller sees
	// (vendor staff only).
	Orphans []Function `json:"orphans"`
}

// Trace builds the matrix; filter is one of TraceFilters or "".
func (s *Service) Trace(ctx context.Context, p *access.Principal, projectID int64, filter string) (Trace, Perms, error) {
	rs, pm, err := s.List(ctx, p, projectID, Filter{})
	if err != nil {
		return Trace{}, pm, err
	}
	switch filter {
	case TraceAll, TraceNoFunction, TraceNoTask, TraceMustNotDone:
	default:
		return Trace{}, pm, apperr.InvalidField("filter", "validate.enum")
	}
	fs, err := functions(ctx, s.db, projectID, pm.Internal)
	if err != nil {
		return Trace{}, pm, apperr.Wrap(err)
	}
	byID := map[int64]Function{}
	for _, f := range fs {
		byID[f.ID] = f
	}
	kinds := s.traceKinds()
	extra := map[string]map[int64][]TraceRef{}
	out := Trace{Columns: []TraceColumn{}, Rows: []TraceRow{}, Orphans: []Function{}}
	for _, k := range kinds {
		m, err := k.fn(ctx, p, projectID)
		if err != nil {
			return Trace{}, pm, err
		}
		extra[k.kind] = m
		out.Columns = append(out.Columns, TraceColumn{Kind: k.kind, LabelKey: k.labelKey})
	}
	used := map[int64]bool{}
	for _, r := range rs {
		row := TraceRow{Requirement: r, Functions: []Function{}, Extra: map[string][]TraceRef{}}
		for _, fr := range r.Functions {
			if f, ok := byID[fr.ID]; ok {
				row.Functions = append(row.Functions, f)
				used[f.ID] = true
			}
		}
		for _, k := range kinds {
			refs := extra[k.kind][r.ID]
			if refs == nil {
				refs = []TraceRef{}
			}
			row.Extra[k.kind] = refs
		}
		if r.Status == StatusRejected && len(row.Functions) == 0 && filter != TraceAll {
			continue
		}
		switch filter {
		case TraceNoFunction:
			if len(row.Functions) > 0 || r.Status == StatusRejected {
				continue
			}
		case TraceNoTask:
			keep := false
			for _, f := range row.Functions {
				keep = keep || len(f.Tasks) == 0
			}
			if !keep {
				continue
			}
		case TraceMustNotDone:
			if r.Priority != PriorityMust || r.Status == StatusImplemented || r.Status == StatusAccepted || r.Status == StatusRejected {
				continue
			}
		}
		out.Rows = append(out.Rows, row)
	}
	if pm.Internal {
		for _, f := range fs {
			if !used[f.ID] && (filter == TraceAll || (filter == TraceNoTask && len(f.Tasks) == 0)) {
				out.Orphans = append(out.Orphans, f)
			}
		}
	}
	return out, pm, nil
}

// TraceGroup is one registered kind's objects for a requirement.
type TraceGroup struct {
	Kind     string     `json:"kind"`
	LabelKey string     `json:"label_key"`
	Refs     []TraceRef `json:"refs"`
}

// Links returns what one requirement traces to: its functions with their
// tasks, and the objects of every registered kind that name it (only
// kinds with at least one object), as the caller may see them.
func (s *Service) Links(ctx context.Context, p *access.Principal, projectID, reqID int64) ([]Function, []TraceGroup, error) {
	r, _, pm, err := s.Get(ctx, p, projectID, reqID)
	if err != nil {
		return nil, nil, err
	}
	fs, err := functions(ctx, s.db, projectID, pm.Internal)
	if err != nil {
		return nil, nil, apperr.Wrap(err)
	}
	mine := map[int64]bool{}
	for _, f := range r.Functions {
		mine[f.ID] = true
	}
	out := []Function{}
	for _, f := range fs {
		if mine[f.ID] {
			out = append(out, f)
		}
	}
	groups := []TraceGroup{}
	for _, k := range s.traceKinds() {
		m, err := k.fn(ctx, p, projectID)
		if err != nil {
			return nil, nil, err
		}
		if refs := m[reqID]; len(refs) > 0 {
			groups = append(groups, TraceGroup{Kind: k.kind, LabelKey: k.labelKey, Refs: refs})
		}
	}
	return out, groups, nil
}
