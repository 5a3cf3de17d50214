package discuss

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"strings"
	"sync"
	"unicode/utf8"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
	"golive/internal/validate"
)

//go:embed views/*.html
var viewFS embed.FS

// Views are the thread and attachment fragments.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Target is what a module's resolver tells discuss about one object, for
// one caller.
type Target struct {
	ProjectID int64
	Title     string // "#12 配置物料主数据", shown in notifications and the trash
	Link      string // the object's page; comment and upload forms post below it
	// CustomerVisible: customers of the project may see the object at all.
	CustomerVisible bool
	// SeesInternal: the caller is vendor staff on the project (sees and may
	// write internal comments and attachments).
	SeesInternal bool
	CanComment   bool // write comments and upload attachments
	CanModerate  bool // delete other people's comments and attachments
	// Followers hear of every new comment: assignees, watchers.
	Followers []int64
}

// Resolver describes object id of its kind for the caller. An object the
// caller may not see is apperr not_found.
type Resolver func(ctx context.Context, p *access.Principal, id int64) (Target, error)

// Ref names an object. ProjectID, when not 0, is the project the URL
// named: an object of another project is then not found.
type Ref struct {
	Kind      string
	ID        int64
	ProjectID int64
}

// Service holds comments and attachments.
type Service struct {
	db        *db.DB
	audit     *audit.Service
	notify    *notify.Service
	mu        sync.RWMutex
	resolvers map[string]Resolver
	// MaxUpload bounds one attachment (bytes).
	MaxUpload int64
	// TempDir is where uploads are spooled ("" for the system default).
	TempDir string
}

// DefaultMaxUpload is the attachment size limit unless configured.
const DefaultMaxUpload = 20 << 20

func NewService(d *db.DB, a *audit.Service, n *notify.Service) *Service {
	return &Service{db: d, audit: a, notify: n, resolvers: map[string]Resolver{}, MaxUpload: DefaultMaxUpload}
}

// Register installs the resolver of a kind; done at start-up.
func (s *Service) Register(kind string, r Resolver) {
	s.mu.Lock()
	s.resolvers[kind] = r
	s.mu.Unlock()
}

// resolve is the permission check every method starts with.
func (s *Service) resolve(ctx context.Context, p *access.Principal, ref Ref) (Target, error) {
	if p == nil {
		return Target{}, apperr.New(apperr.Unauthenticated, "auth.login_required")
	}
	s.mu.RLock()
	r := s.resolvers[ref.Kind]
	s.mu.RUnlock()
	if r == nil || ref.ID <= 0 {
		return Target{}, apperr.NotFoundErr()
	}
	t, err := r(ctx, p, ref.ID)
	if err != nil {
		return Target{}, err
	}
	if ref.ProjectID != 0 && t.ProjectID != ref.ProjectID {
		return Target{}, apperr.NotFoundErr()
	}
	// A customer never gets past an object customers may not see, whatever
	// a resolver said.
	if !p.Vendor && !t.CustomerVisible {
		return Target{}, apperr.NotFoundErr()
	}
	if !p.Vendor {
		t.SeesInternal = false
	}
	return t, nil
}

// Resolve exposes the check to the web layer of a module.
func (s *Service) Resolve(ctx context.Context, p *access.Principal, ref Ref) (Target, error) {
	return s.resolve(ctx, p, ref)
}

// member is a live project member as mentions and notifications see them.
type member struct {
	Candidate
	vendor bool
}

// members lists the project's live members with enabled accounts.
func members(ctx context.Context, q db.Q, projectID int64) ([]member, error) {
	rows, err := q.Query(ctx, `SELECT u.id, u.name, u.email, pm.role, c.kind FROM project_members pm
		JOIN users u ON u.id = pm.user_id JOIN companies c ON c.id = u.company_id
		WHERE pm.project_id = ? AND pm.deleted_ms IS NULL AND u.deleted_ms IS NULL AND u.disabled = ?`, projectID, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []member
	for rows.Next() {
		var m member
		var role, kind string
		if err := rows.Scan(&m.UserID, &m.Name, &m.Email, &role, &kind); err != nil {
			return nil, err
		}
		m.vendor = kind == "vendor" && access.Role(role).IsVendor()
		out = append(out, m)
	}
	return out, rows.Err()
}

// audience filters members to those who may read an item: vendor staff
// always; customers only when the object is customer-visible and the item
// is not internal.
func audience(ms []member, t Target, internal bool) map[int64]member {
	out := map[int64]member{}
	for _, m := range ms {
		if m.vendor || (t.CustomerVisible && !internal) {
			out[m.UserID] = m
		}
	}
	return out
}

// Comment is one comment as a given caller sees it.
type Comment struct {
	ID         int64         `json:"id"`
	ProjectID  int64         `json:"project_id"`
	Kind       string        `json:"kind"`
	ObjectID   int64         `json:"object_id"`
	AuthorID   int64         `json:"author_id"`
	AuthorName string        `json:"author_name"`
	Body       string        `json:"body"`
	HTML       template.HTML `json:"body_html"`
	Internal   bool          `json:"internal"`
	CreatedMS  int64         `json:"created_ms"`
	EditedMS   *int64        `json:"edited_ms,omitempty"`
	DeletedMS  *int64        `json:"deleted_ms,omitempty"`
	Version    int64         `json:"version"`
	CanEdit    bool          `json:"can_edit"`
	CanDelete  bool          `json:"can_delete"`
}

// CommentInput creates a comment.
type CommentInput struct {
	Body     string `json:"body"`
	Internal bool   `json:"internal"` // vendor staff only: hidden from customers
}

// Max body of a comment in characters.
const maxBody = 20000

// Validate checks the body.
func (in *CommentInput) Validate() error {
	var f apperr.Fields
	checkBody(&f, &in.Body)
	return f.Err()
}

func checkBody(f *apperr.Fields, body *string) {
	*body = strings.TrimSpace(strings.ReplaceAll(*body, "\r\n", "\n"))
	if !utf8.ValidString(*body) {
		f.Add("comment", "validate.utf8")
		return
	}
	// Text allows newlines and tabs, refuses other control characters.
	validate.Text(f, "comment", body, 1, maxBody)
}

// CommentEdit changes a comment's body; Version is the one read.
type CommentEdit struct {
	Body    string `json:"body"`
	Version int64  `json:"version"`
}

func (in *CommentEdit) Validate() error {
	var f apperr.Fields
	checkBody(&f, &in.Body)
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// Attachment is one attached file.
type Attachment struct {
	ID           int64  `json:"id"`
	ProjectID    int64  `json:"project_id"`
	Kind         string `json:"kind"`
	ObjectID     int64  `json:"object_id"`
	UploaderID   int64  `json:"uploader_id"`
	UploaderName string `json:"uploader_name"`
	FileName     string `json:"file_name"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	Internal     bool   `json:"internal"`
	CreatedMS    int64  `json:"created_ms"`
	Version      int64  `json:"version"`
	CanDelete    bool   `json:"can_delete"`
	Thumb        bool   `json:"thumbnail"` // an image small enough to show inline
}

// Thread is an object's comments and attachments for one caller.
type Thread struct {
	Target      Target       `json:"-"`
	Comments    []Comment    `json:"comments"`
	Attachments []Attachment `json:"attachments"`
}
