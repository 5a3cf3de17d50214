package work

import (
	"encoding/json"
	"strconv"

	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/live"
	"golive/internal/project"
)

// Service holds the work use cases. Every method checks permission first
// (project.Service.Access, then the action) and runs a change in one
// transaction with its audit row; live notices go out after commit.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	live     *live.Broker
	cache    *readCache
	// discussion renders a task's comments and attachments (discuss, set in app.go).
	discussion DiscussionPanel
	snaps      snapOnce // iteration_snapshot.go
}

// NewService builds the service with an in-process broker; app.go hands
// it the application's broker (which may reach other processes) with
// SetLive.
func NewService(d *db.DB, a *audit.Service, p *project.Service) *Service {
	s := &Service{db: d, audit: a, projects: p, cache: newReadCache()}
	s.SetLive(live.New(nil))
	return s
}

// SetLive replaces the broker that carries board notices (and tells the
// read cache what changed).
func (s *Service) SetLive(b *live.Broker) {
	s.live = b
	b.Watch(s.cache.changed)
}

// Live is the broker board viewers subscribe to.
func (s *Service) Live() *live.Broker { return s.live }

// Topic is the live topic of a project's tasks.
func Topic(projectID int64) string { return "project:" + strconv.FormatInt(projectID, 10) }

// Notice is the payload of a live event about a task. It says what
// changed, never the data: receivers re-read the card with their viewer's
// permissions. Visible and WasVisible (to customers, after and before the
// change) let the stream skip notices a customer viewer could not use
// without asking the database.
type Notice struct {
	Kind       string `json:"kind"` // task, gone, reorder, dep
	TaskID     int64  `json:"task_id,omitempty"`
	Version    int64  `json:"version,omitempty"`
	Status     string `json:"status,omitempty"` // reorder: the renumbered column
	Visible    bool   `json:"vis"`
	WasVisible bool   `json:"was"`
}

// Event names on the stream.
const (
	NoticeTask    = "task"
	NoticeGone    = "gone"
	NoticeReorder = "reorder"
	NoticeDep     = "dep"
)

// notify queues a notice to go out once tx has committed.
func (s *Service) notify(tx *db.Tx, projectID int64, n Notice) {
	if n.Kind != NoticeDep {
		s.snapshotAfter(tx, projectID) // a task changed: today's burndown point
	}
	b, _ := json.Marshal(n)
	tx.AfterCommit(func() { s.live.Publish(Topic(projectID), live.Event{Name: n.Kind, Data: b}) })
}
