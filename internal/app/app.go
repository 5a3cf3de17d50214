// Package app is the composition root: it opens the database, builds the
// services, and registers every route in one visible list (routes.go).
// Tests start the application exactly as main does, through New.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"path/filepath"
	"sync"
	"time"

	"golive/internal/access"
	"golive/internal/audit"
	"golive/internal/auth"
	"golive/internal/change"
	"golive/internal/config"
	"golive/internal/costcentre"
	"golive/internal/datamigration"
	"golive/internal/db"
	"golive/internal/discuss"
	"golive/internal/finance"
	"golive/internal/funds"
	"golive/internal/live"
	"golive/internal/methodology"
	"golive/internal/notify"
	"golive/internal/project"
	"golive/internal/requirement"
	"golive/internal/research"
	"golive/internal/trash"
	"golive/internal/web"
	"golive/internal/work"
	"golive/internal/workcal"
)

// Version is set at build time with -ldflags "-X golive/internal/app.Version=…".
var Version = "dev"

// App is a running golive instance (without its listener).
type App struct {
	Config   config.Config
	DB       *db.DB
	Log      *slog.Logger
	Server   *web.Server
	Metrics  *web.Metrics
	Auth     *auth.Service
	Audit    *audit.Service
	Projects *project.Service
	Trash    *trash.Service
	// Modules beyond the project core.
	Methodology *methodology.Service
	Work        *work.Service
	// Data migration (internal/datamigration).
	DataMigration *datamigration.Service

	// Research: questionnaires, interviews, observations (internal/research).
	Research *research.Service

	WorkCal *workcal.Service // working calendar per project (editing)
	// Funds is the fund centre (internal/funds): contracts, payment milestones, receivables.
	Funds   *funds.Service
	Finance *finance.Service // labor records, rates, budgets, expenses, actual cost
	// Cost centre (internal/costcentre): EVM, overrun alerts, portfolio finance.
	CostCentre *costcentre.Service
	// Live carries change notices to board viewers (across processes on PostgreSQL).
	Live *live.Broker
	// Discuss (comments, attachments) and Notify (notifications centre, mail outbox).
	Discuss *discuss.Service
	Notify  *notify.Service
	// Periodic work (mail sender, overdue payments, cost alerts) runs under
	// one context; Close cancels it and waits before closing the database.
	stopBackground context.CancelFunc
	background     sync.WaitGroup
	handler        http.Handler
	// Requirements (internal/requirement): pool, review, matrix, functions, traceability.
	Requirements *requirement.Service
	// Change control and requirement baselines (internal/change).
	Change *change.Service
}

// Options tune New for commands that need less than a server.
type Options struct {
	// Bootstrap creates the first administrator on an empty database and
	// reports its one-time password through OnAdmin.
	Bootstrap bool
	OnAdmin   func(email, password string)
	// RepoRoot is where --dev reads templates from.
	RepoRoot string
}

// New opens the database, migrates it, and wires every service and route.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opt Options) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "count", len(applied), "dialect", d.Dialect())
	}
	a := &App{Config: cfg, DB: d, Log: log}
	a.Audit = audit.NewService(d)
	a.Auth = auth.NewService(d)
	a.Projects = project.NewService(d, a.Audit)
	a.Methodology = methodology.NewService(d, a.Audit, a.Projects)
	a.Work = work.NewService(d, a.Audit, a.Projects)
	a.WorkCal = workcal.NewService(d, a.Audit, a.Projects, a.Work)
	a.Finance = finance.NewService(d, a.Audit, a.Projects)
	a.Trash = trash.NewService()
	a.Trash.Register("project", project.TrashSource{S: a.Projects})
	a.Trash.Register("task", work.TrashSource{S: a.Work})
	// Discuss + notify: platform services; modules register resolvers.
	a.Notify = notify.NewService(d, cfg.PublicURL())
	a.Notify.SetMailer(&notify.Mailer{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, User: cfg.SMTPUser, Password: cfg.SMTPPassword})
	a.Discuss = discuss.NewService(d, a.Audit, a.Notify)
	a.Discuss.Register(work.DiscussKind, a.Work.DiscussTarget)
	a.Trash.Register("comment", discuss.CommentTrash{S: a.Discuss})
	a.Trash.Register("attachment", discuss.AttachmentTrash{S: a.Discuss})
	a.Trash.Register("workflow_status", work.StatusTrashSource{S: a.Work})

	root := opt.RepoRoot
	if root == "" {
		root = "."
	}
	views := web.NewViews(cfg.Dev, root)
	views.Add("auth", auth.Views(), "internal/auth/views")
	views.Add("project", project.Views(), "internal/project/views")
	views.Add("audit", audit.Views(), "internal/audit/views")
	views.Add("trash", trash.Views(), "internal/trash/views")
	views.Add("work", work.Views(), path.Join("internal", "work", "views"))
	views.Add("methodology", methodology.Views(), "internal/methodology/views")
	views.Add("discuss", discuss.Views(), "internal/discuss/views")
	views.Add("notify", notify.Views(), "internal/notify/views")
	views.Add("workcal", workcal.Views(), "internal/workcal/views")
	views.Add("datamigration", datamigration.Views(), "internal/datamigration/views") // data migration
	views.Add("funds", funds.Views(), "internal/funds/views")                         // fund centre
	views.Add("requirement", requirement.Views(), "internal/requirement/views")       // requirements
	views.Add("research", research.Views(), "internal/research/views")
	views.Add("change", change.Views(), "internal/change/views") // change control
	views.Add("finance", finance.Views(), "internal/finance/views")
	views.Add("costcentre", costcentre.Views(), "internal/costcentre/views")
	if err := views.Load(); err != nil {
		d.Close()
		return nil, fmt.Errorf("templates: %w", err)
	}
	a.Server = web.NewServer(log, a.Auth, views, Version)
	a.Server.RequestContext = audit.WithRequestID
	a.Server.SetNav(func(ctx context.Context, p *access.Principal) []web.NavProject {
		var out []web.NavProject
		for _, e := range a.Projects.Nav(ctx, p) {
			out = append(out, web.NavProject{ID: e.ID, Code: e.Code, Name: e.Name})
		}
		return out
	})
	a.Metrics = web.NewMetrics()
	for name, st := range d.Stats() {
		a.Metrics.AddDBStats(name, st)
	}
	a.Live = live.New(log)
	if d.Dialect() == db.Postgres {
		if err := a.Live.ListenPostgres(ctx, cfg.DB, d.Writer()); err != nil {
			d.Close()
			return nil, err
		}
	}
	a.Work.SetLive(a.Live)
	// Data migration (internal/datamigration).
	// Runs spool files in the data directory and report progress through
	// the live broker, so a page on another process can follow them.
	a.DataMigration = datamigration.NewService(d, a.Audit, a.Projects, a.Live, log, filepath.Join(cfg.DataDir, "tmp"))
	a.Trash.Register("dm_object", datamigration.TrashSource{S: a.DataMigration})
	// Fund centre (internal/funds).
	a.Funds = funds.NewService(d, a.Audit, a.Projects, a.Notify, log)
	a.Trash.Register("fund_contract", funds.ContractTrash{S: a.Funds})
	a.Trash.Register("fund_invoice", funds.InvoiceTrash{S: a.Funds})
	a.Trash.Register("fund_receipt", funds.ReceiptTrash{S: a.Funds})
	// Requirements (internal/requirement).
	a.Requirements = requirement.NewService(d, a.Audit, a.Projects, a.Work)
	a.Requirements.SetNotify(a.Notify)
	a.Discuss.Register(requirement.DiscussKind, a.Requirements.DiscussTarget)
	a.Trash.Register("requirement", requirement.TrashSource{S: a.Requirements})
	a.Trash.Register("req_function", requirement.FunctionTrashSource{S: a.Requirements})
	// Research (internal/research).
	// A sentence of an interview or an answer to a questionnaire becomes a
	// draft requirement in the pool, linking back to where it was said.
	a.Research = research.NewService(d, a.Audit, a.Projects, a.Notify)
	a.Research.SetCandidateSink(func(ctx context.Context, p *access.Principal, c research.Candidate) (int64, string, error) {
		r, err := a.Requirements.CreateFromSource(ctx, p, c.ProjectID, requirement.SourceDraft{Title: c.Title, Description: c.Description,
			SourceKind: c.SourceKind, SourceID: c.SourceID, SourceRef: c.SourceRef, SourceURL: c.SourceURL})
		return r.ID, r.Ref(), err
	})
	a.Discuss.Register(research.DiscussKind, a.Research.DiscussTarget)
	a.Trash.Register("rs_template", research.TemplateTrash{S: a.Research})
	a.Trash.Register("rs_questionnaire", research.QuestionnaireTrash{S: a.Research})
	a.Trash.Register("rs_record", research.RecordTrash{S: a.Research})
	if err := a.Research.EnsureBuiltin(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("research templates: %w", err)
	}
	// Change control (internal/change).
	a.Change = change.NewService(d, a.Audit, a.Projects, a.Notify, change.NewPool(a.Requirements))
	a.Discuss.Register(change.DiscussKind, a.Change.DiscussTarget)
	a.Requirements.RegisterTrace("change_request", "change.trace_label", a.Change.Trace)
	// An approved change request with a cost proposes a budget revision
	// (the PM approves it on the cost plan); never for a rolled-back approval.
	a.Change.OnApproved(func(ctx context.Context, ev change.Approved) {
		if ev.CostMinor == 0 {
			return
		}
		if err := a.Finance.ProposeRevisionFromChange(ctx, ev.ProjectID, ev.CRID, ev.Number, ev.CostMinor); err != nil {
			log.Warn("budget revision from a change request", "project", ev.ProjectID, "change", ev.Number, "err", err)
		}
	})
	// Cost centre (internal/costcentre).
	a.CostCentre = costcentre.NewService(d, a.Audit, a.Projects, a.Notify)
	a.CostCentre.SetSources(costCentreSources(a))
	a.Funds.SetPlannedCosts(a.CostCentre.PlannedCosts) // cash-flow forecast: planned cost per month from PV
	// Approving labor or an expense, or a new budget, may cross an alert
	// threshold: check at once rather than at the next periodic pass.
	a.Finance.OnCostChange(func(ctx context.Context, projectID int64) {
		if _, err := a.CostCentre.CheckAlerts(ctx, projectID); err != nil {
			log.Warn("cost alerts after a finance decision", "project", projectID, "err", err)
		}
	})
	// The built-in implementation template is data: inserted on first
	// start, refreshed when a release changes it.
	if err := a.Methodology.EnsureBuiltin(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("templates: %w", err)
	}
	a.routes(views)
	a.handler = a.Server.Handler(a.Metrics)
	bg, stop := context.WithCancel(context.Background())
	a.stopBackground = stop
	for _, run := range []func(context.Context){
		func(ctx context.Context) { a.Notify.Run(ctx, log) },                           // returns at once without SMTP
		func(ctx context.Context) { a.Funds.RunDaily(ctx, log) },                       // overdue payment alerts, hourly
		func(ctx context.Context) { a.CostCentre.RunAlerts(ctx, log, 10*time.Minute) }, // overrun alerts of active projects
	} {
		a.background.Add(1)
		go func() {
			defer a.background.Done()
			run(bg)
		}()
	}

	if opt.Bootstrap {
		pw, created, err := a.Auth.Bootstrap(ctx, "实施服务商", cfg.AdminEmail)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("bootstrap: %w", err)
		}
		if created && opt.OnAdmin != nil {
			opt.OnAdmin(cfg.AdminEmail, pw)
		}
	}
	return a, nil
}

// Handler is the full HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Close ends live streams and releases the database.
func (a *App) Close() error {
	if a.stopBackground != nil {
		a.stopBackground()
		a.background.Wait()
	}
	if a.DataMigration != nil {
		a.DataMigration.Shutdown()
	}
	if a.Live != nil {
		a.Live.Close()
	}
	return a.DB.Close()
}
