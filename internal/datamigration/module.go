package datamigration

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"strconv"
	"sync"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/live"
	"golive/internal/project"
)

//go:embed views
var viewsFS embed.FS

// Views returns the module's templates.
func Views() fs.FS { v, _ := fs.Sub(viewsFS, "views"); return v }

// Service holds the data migration use cases. Every method checks
// permission first; changes run in one transaction with their audit row.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	live     *live.Broker
	log      *slog.Logger
	// tmpDir is where uploads are spooled and runs write their outputs
	// before they are stored in the database (the data directory).
	tmpDir string
	// MaxUpload is the largest file a run accepts (UploadMaxBytes unless a
	// test lowers it).
	MaxUpload int64
	// maxUnzipped overrides the engine's limit on an .xlsx's decompressed
	// size when set (tests).
	maxUnzipped int64

	mu      sync.Mutex
	cancels map[int64]context.CancelFunc // runs executing in this process
	wg      sync.WaitGroup
}

// NewService builds the service; tmpDir is a directory for spooled files.
func NewService(d *db.DB, a *audit.Service, p *project.Service, b *live.Broker, log *slog.Logger, tmpDir string) *Service {
	if b == nil {
		b = live.New(log)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: d, audit: a, projects: p, live: b, log: log, tmpDir: tmpDir, MaxUpload: UploadMaxBytes, cancels: map[int64]context.CancelFunc{}}
}

// Wait blocks until the runs this process executes have ended (shutdown, tests).
func (s *Service) Wait() { s.wg.Wait() }

// Shutdown cancels the runs executing in this process and waits for them.
func (s *Service) Shutdown() {
	s.mu.Lock()
	for _, c := range s.cancels {
		c()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// RunTopic is the live topic of one run's progress.
func RunTopic(runID int64) string { return "dmrun:" + strconv.FormatInt(runID, 10) }

// can checks that the caller sees the project and may do a.
func (s *Service) can(ctx context.Context, p *access.Principal, projectID int64, a access.Action) (access.Membership, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return m, err
	}
	if !p.Can(m, access.MigrationView) {
		return m, apperr.NotFoundErr()
	}
	if a != "" && !p.Can(m, a) {
		return m, apperr.ForbiddenErr()
	}
	return m, nil
}
