package requirement

import (
	"context"
	"embed"
	"io/fs"
	"sort"
	"sync"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
	"golive/internal/project"
	"golive/internal/work"
)

//go:embed views/*.html
var viewsFS embed.FS

// Views returns the module's templates.
func Views() fs.FS { v, _ := fs.Sub(viewsFS, "views"); return v }

// Service holds the requirement use cases. Every exported method that
// takes a Principal checks permission first; the *Tx methods are for
// other modules' services (change control) that checked already.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	work     *work.Service
	notify   *notify.Service // nil: no notifications (tests of other modules)
	// discussion renders comments and attachments on a requirement's page.
	discussion DiscussionPanel

	mu     sync.RWMutex
	traces []traceKind
}

// NewService builds the service.
func NewService(d *db.DB, a *audit.Service, p *project.Service, w *work.Service) *Service {
	return &Service{db: d, audit: a, projects: p, work: w}
}

// SetNotify lets review steps notify the people concerned: the customer
// PMs when requirements are submitted, the author when the customer
// decides. Call at start-up.
func (s *Service) SetNotify(n *notify.Service) { s.notify = n }

// can checks that the caller sees the project and may do a ("" = read).
func (s *Service) can(ctx context.Context, p *access.Principal, projectID int64, a access.Action) (access.Membership, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return m, err
	}
	if !p.Can(m, access.RequirementView) {
		return m, apperr.NotFoundErr()
	}
	if a != "" && !p.Can(m, a) {
		return m, apperr.ForbiddenErr()
	}
	return m, nil
}

// Perms is what the caller may do on a project's requirements (pages show
// only the buttons that work).
type Perms struct {
	Edit     bool // create, edit, delete, submit, matrix, functions
	Review   bool // confirm, clarify, reject, accept
	Tasks    bool // generate tasks from a function
	Internal bool // sees internal requirements and tasks
}

func perms(p *access.Principal, m access.Membership) Perms {
	return Perms{
		Edit:     p.Can(m, access.RequirementEdit),
		Review:   p.Can(m, access.RequirementReview),
		Tasks:    p.Can(m, access.RequirementEdit) && p.Can(m, access.TaskCreate),
		Internal: p.Can(m, access.InternalView),
	}
}

// Perms returns what the caller may do on the project's requirements.
func (s *Service) Perms(ctx context.Context, p *access.Principal, projectID int64) (Perms, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Perms{}, err
	}
	return perms(p, m), nil
}

// TraceRef is one object a requirement traces to in a registered kind
// (a change request, a configuration item, a test case).
type TraceRef struct {
	ID     int64  `json:"id"`
	Label  string `json:"label"`
	URL    string `json:"url"`
	Status string `json:"status"`
}

// TraceFunc returns, per requirement id, the objects of one kind that the
// caller may see on the project.
type TraceFunc func(ctx context.Context, p *access.Principal, projectID int64) (map[int64][]TraceRef, error)

type traceKind struct {
	kind, labelKey string
	fn             TraceFunc
}

// RegisterTrace adds a column to the traceability matrix: kind names it
// (unique; a second registration replaces the first), labelKey is the
// catalog key of its heading, fn reads its links. Call at start-up.
func (s *Service) RegisterTrace(kind, labelKey string, fn func(ctx context.Context, p *access.Principal, projectID int64) (map[int64][]TraceRef, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.traces {
		if s.traces[i].kind == kind {
			s.traces[i] = traceKind{kind, labelKey, fn}
			return
		}
	}
	s.traces = append(s.traces, traceKind{kind, labelKey, fn})
	sort.Slice(s.traces, func(i, j int) bool { return s.traces[i].kind < s.traces[j].kind })
}

func (s *Service) traceKinds() []traceKind {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]traceKind(nil), s.traces...)
}
