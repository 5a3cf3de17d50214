package research

import (
	"context"
	"embed"
	"io/fs"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
	"golive/internal/project"
)

//go:embed views/*.html
var viewsFS embed.FS

// Views returns the module's templates.
func Views() fs.FS { v, _ := fs.Sub(viewsFS, "views"); return v }

// Candidate is a requirement candidate made from a research source: a
// sentence of an interview or observation record, or one questionnaire
// answer. The requirement pool turns it into a requirement (SetCandidateSink).
type Candidate struct {
	ProjectID   int64
	Title       string
	Description string
	SourceKind  string // "questionnaire" | "interview" | "observation"
	SourceID    int64  // the questionnaire's or the record's id
	SourceRef   string // human label, e.g. "访谈记录 2026-03-01 第3句"
	SourceURL   string // the page of the source, anchored at the sentence or answer
}

// CandidateSink creates a requirement from a candidate and returns its id
// and project number (REQ-007).
type CandidateSink func(ctx context.Context, p *access.Principal, c Candidate) (reqID int64, reqNumber string, err error)

// Service holds the research use cases. Every method checks permission
// first; changes run in one transaction with their audit row.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	notify   *notify.Service
	sink     CandidateSink
}

// NewService builds the service.
func NewService(d *db.DB, a *audit.Service, p *project.Service, n *notify.Service) *Service {
	return &Service{db: d, audit: a, projects: p, notify: n}
}

// SetCandidateSink installs the requirement pool's intake; without one
// the "to requirement" buttons are hidden and the routes answer 404.
func (s *Service) SetCandidateSink(fn func(ctx context.Context, p *access.Principal, c Candidate) (reqID int64, reqNumber string, err error)) {
	s.sink = fn
}

// HasSink reports whether candidates can be turned into requirements.
func (s *Service) HasSink() bool { return s.sink != nil }

// can checks that the caller sees the project's research and may do a.
func (s *Service) can(ctx context.Context, p *access.Principal, projectID int64, a access.Action) (access.Membership, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return m, err
	}
	if !p.Can(m, access.ResearchView) {
		return m, apperr.NotFoundErr()
	}
	if a != "" && !p.Can(m, a) {
		return m, apperr.ForbiddenErr()
	}
	return m, nil
}

// CanManageLibrary: vendor PMs and consultants (by account role) and
// administrators keep the template library.
func CanManageLibrary(p *access.Principal) bool {
	return p != nil && p.Vendor && (p.Admin || p.Role == access.RolePM || p.Role == access.RoleConsultant)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func projectPath(projectID int64) string { return "/projects/" + itoa(projectID) + "/research" }

// QuestionnaireLink is the page of a questionnaire (the answer form for a
// recipient).
func QuestionnaireLink(projectID, id int64) string {
	return projectPath(projectID) + "/questionnaires/" + itoa(id)
}

// RecordLink is the page of an interview or observation record.
func RecordLink(projectID, id int64) string { return projectPath(projectID) + "/records/" + itoa(id) }
