package change

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// Baseline statuses: a draft may be refreshed from the pool until its
// first signature; signed when every named signer has signed.
const (
	BaselineDraft   = "draft"
	BaselineSigning = "signing" // some signers have signed: frozen
	BaselineSigned  = "signed"
)

// Signer is a person who must sign a baseline, and their signature.
type Signer struct {
	UserID   int64  `json:"user_id"`
	Name     string `json:"name"`
	SignedMS *int64 `json:"signed_ms,omitempty"`
	IP       string `json:"ip,omitempty"`
	SHA256   string `json:"sha256,omitempty"` // the content hash they signed
}

// Baseline is one version of the Requirements Confirmation (需求确认书).
type Baseline struct {
	ID           int64    `json:"id"`
	ProjectID    int64    `json:"project_id"`
	Major        int      `json:"major"`
	Minor        int      `json:"minor"`
	Label        string   `json:"label"` // V1.0
	Title        string   `json:"title"`
	Note         string   `json:"note"`
	Content      Content  `json:"content"`
	SHA256       string   `json:"sha256"`
	HashOK       bool     `json:"hash_ok"` // the stored content still hashes to SHA256
	EffortTenths int64    `json:"effort_tenths"`
	CRID         *int64   `json:"cr_id,omitempty"`
	CRCode       string   `json:"cr_code,omitempty"`
	Status       string   `json:"status"`
	SignedMS     *int64   `json:"signed_ms,omitempty"`
	CreatedMS    int64    `json:"created_ms"`
	Version      int64    `json:"version"`
	Signers      []Signer `json:"signers"`
}

// Frozen reports whether any signature exists (edits refused).
func (b Baseline) Frozen() bool {
	for _, s := range b.Signers {
		if s.SignedMS != nil {
			return true
		}
	}
	return false
}

// SignerOf returns the caller's signer entry.
func (b Baseline) SignerOf(uid int64) (Signer, bool) {
	for _, s := range b.Signers {
		if s.UserID == uid {
			return s, true
		}
	}
	return Signer{}, false
}

func label(major, minor int) string { return fmt.Sprintf("V%d.%d", major, minor) }

// BaselineInput creates a baseline or edits a draft: title and note, and
// (Refresh) the content re-read from the requirement pool.
type BaselineInput struct {
	Title   string `json:"title" maxLength:"200"`
	Note    string `json:"note" maxLength:"5000"`
	Refresh bool   `json:"refresh"`
	Version int64  `json:"version"` // edits only
}

func (in *BaselineInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "title", &in.Title, 1, 200)
	validate.Text(&f, "note", &in.Note, 0, 5000)
	return f.Err()
}

// SignInput is a signature: the hash the signer was shown, so a content
// that changed under their eyes is not signed.
type SignInput struct {
	SHA256 string `json:"sha256"`
}

const baselineCols = `b.id, b.project_id, b.major, b.minor, b.title, b.note, b.content_json, b.content_sha256, b.effort_tenths, b.cr_id, COALESCE(c.number, 0),
	b.status, b.signed_ms, b.created_ms, b.version`

func scanBaseline(r interface{ Scan(...any) error }) (Baseline, error) {
	var b Baseline
	var content string
	var crn int
	if err := r.Scan(&b.ID, &b.ProjectID, &b.Major, &b.Minor, &b.Title, &b.Note, &content, &b.SHA256, &b.EffortTenths, &b.CRID, &crn,
		&b.Status, &b.SignedMS, &b.CreatedMS, &b.Version); err != nil {
		return b, err
	}
	b.Label = label(b.Major, b.Minor)
	if crn > 0 {
		b.CRCode = CodeOf(crn)
	}
	if err := json.Unmarshal([]byte(content), &b.Content); err != nil {
		return b, err
	}
	b.Content = b.Content.Normalize()
	b.HashOK = b.Content.Hash() == b.SHA256
	return b, nil
}

func readBaseline(ctx context.Context, q db.Q, projectID, id int64) (Baseline, error) {
	b, err := scanBaseline(q.QueryRow(ctx, `SELECT `+baselineCols+` FROM req_baselines b LEFT JOIN change_requests c ON c.id = b.cr_id WHERE b.id = ? AND b.project_id = ?`, id, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return b, apperr.NotFoundErr()
	}
	if err != nil {
		return b, err
	}
	rows, err := q.Query(ctx, `SELECT s.user_id, u.name, s.signed_ms, s.signed_ip, s.signed_sha256 FROM req_baseline_signers s JOIN users u ON u.id = s.user_id
		WHERE s.baseline_id = ? ORDER BY u.name, s.user_id`, id)
	if err != nil {
		return b, err
	}
	defer rows.Close()
	b.Signers = []Signer{}
	for rows.Next() {
		var s Signer
		if err := rows.Scan(&s.UserID, &s.Name, &s.SignedMS, &s.IP, &s.SHA256); err != nil {
			return b, err
		}
		b.Signers = append(b.Signers, s)
	}
	return b, rows.Err()
}

// hideIP leaves signers' addresses to the vendor side.
func hideIP(p *access.Principal, m access.Membership, b *Baseline) {
	if !p.Can(m, access.InternalView) {
		for i := range b.Signers {
			if b.Signers[i].UserID != p.UserID {
				b.Signers[i].IP = ""
			}
		}
	}
}

// Baselines lists the project's baselines, newest first, without content.
func (s *Service) Baselines(ctx context.Context, p *access.Principal, projectID int64) ([]Baseline, error) {
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT b.id FROM req_baselines b WHERE b.project_id = ? ORDER BY b.major DESC, b.minor DESC`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []Baseline{}
	for _, id := range ids {
		b, err := readBaseline(ctx, s.db, projectID, id)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		hideIP(p, m, &b)
		out = append(out, b)
	}
	return out, nil
}

// GetBaseline reads one baseline with its content and signatures.
func (s *Service) GetBaseline(ctx context.Context, p *access.Principal, projectID, id int64) (Baseline, error) {
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return Baseline{}, err
	}
	b, err := readBaseline(ctx, s.db, projectID, id)
	if err != nil {
		return Baseline{}, apperr.Wrap(err)
	}
	hideIP(p, m, &b)
	return b, nil
}

// signersTx are the project's customer PMs and the signers it names.
func signersTx(ctx context.Context, tx *db.Tx, projectID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT user_id FROM project_members WHERE project_id = ? AND role = 'customer_pm' AND deleted_ms IS NULL
		UNION SELECT s.user_id FROM change_signers s JOIN project_members m ON m.project_id = s.project_id AND m.user_id = s.user_id AND m.deleted_ms IS NULL
		WHERE s.project_id = ?`, projectID, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out), rows.Err()
}

func insertBaselineTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, major, minor int, title, note string, content Content, crID *int64) (int64, error) {
	signers, err := signersTx(ctx, tx, projectID)
	if err != nil {
		return 0, err
	}
	if len(signers) == 0 {
		return 0, apperr.New(apperr.Invalid, "change.no_signers")
	}
	content = content.Normalize()
	cj, _ := json.Marshal(content)
	now := db.Now()
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO req_baselines (project_id, major, minor, title, note, content_json, content_sha256, effort_tenths, cr_id, status, created_by, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
		projectID, major, minor, title, note, string(cj), content.Hash(), content.EffortTenths(), crID, p.UserID, now, now).Scan(&id)
	if db.IsUnique(err) {
		return 0, apperr.ConflictErr()
	}
	if err != nil {
		return 0, err
	}
	for _, u := range signers {
		if _, err := tx.Exec(ctx, `INSERT INTO req_baseline_signers (baseline_id, user_id) VALUES (?, ?)`, id, u); err != nil {
			return 0, err
		}
	}
	lbl := label(major, minor)
	if err := logTx(ctx, tx, projectID, crID, &id, "baseline", lbl+" "+title, p.UserID); err != nil {
		return 0, err
	}
	return id, audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "req_baseline", EntityID: id, Action: "create", Summary: lbl + " " + title,
		After: map[string]any{"label": lbl, "sha256": content.Hash(), "requirements": len(content.Requirements), "functions": len(content.Functions)}})
}

// CreateBaseline assembles the next baseline from the requirement pool:
// V1.0 first; after that the next minor version. A draft still waiting
// for its first signature is refreshed instead (UpdateBaseline).
func (s *Service) CreateBaseline(ctx context.Context, p *access.Principal, projectID int64, in BaselineInput) (Baseline, error) {
	if _, err := s.can(ctx, p, projectID, access.ChangeManage); err != nil {
		return Baseline{}, err
	}
	if err := in.Validate(); err != nil {
		return Baseline{}, err
	}
	if s.pool == nil {
		return Baseline{}, apperr.New(apperr.Invalid, "change.no_pool")
	}
	content, err := s.pool.Content(ctx, p, projectID)
	if err != nil {
		return Baseline{}, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		major, minor, status, found, err := latestTx(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if found && status == BaselineDraft {
			return apperr.New(apperr.Conflict, "change.draft_exists", label(major, minor))
		}
		if !found {
			major, minor = 1, -1
		}
		id, err = insertBaselineTx(ctx, tx, p, projectID, major, minor+1, in.Title, in.Note, content, nil)
		return err
	})
	if err != nil {
		return Baseline{}, apperr.Wrap(err)
	}
	return s.GetBaseline(ctx, p, projectID, id)
}

func latestTx(ctx context.Context, q db.Q, projectID int64) (major, minor int, status string, found bool, err error) {
	err = q.QueryRow(ctx, `SELECT major, minor, status FROM req_baselines WHERE project_id = ? ORDER BY major DESC, minor DESC LIMIT 1`, projectID).Scan(&major, &minor, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, "", false, nil
	}
	return major, minor, status, err == nil, err
}

// UpdateBaseline edits a draft: title, note and (Refresh) its content
// re-read from the pool. Any signature freezes the baseline.
func (s *Service) UpdateBaseline(ctx context.Context, p *access.Principal, projectID, id int64, in BaselineInput) (Baseline, error) {
	if _, err := s.can(ctx, p, projectID, access.ChangeManage); err != nil {
		return Baseline{}, err
	}
	if err := in.Validate(); err != nil {
		return Baseline{}, err
	}
	var content *Content
	if in.Refresh {
		if s.pool == nil {
			return Baseline{}, apperr.New(apperr.Invalid, "change.no_pool")
		}
		c, err := s.pool.Content(ctx, p, projectID)
		if err != nil {
			return Baseline{}, err
		}
		c = c.Normalize()
		content = &c
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		b, err := readBaseline(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if b.Frozen() || b.Status != BaselineDraft {
			return apperr.New(apperr.Conflict, "change.baseline_frozen", b.Label)
		}
		if b.Version != in.Version {
			return apperr.ConflictErr()
		}
		c := b.Content
		if content != nil {
			c = *content
		}
		cj, _ := json.Marshal(c)
		res, err := tx.Exec(ctx, `UPDATE req_baselines SET title = ?, note = ?, content_json = ?, content_sha256 = ?, effort_tenths = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'draft'`, in.Title, in.Note, string(cj), c.Hash(), c.EffortTenths(), db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "req_baseline", EntityID: id, Action: "update", Summary: b.Label + " " + in.Title,
			Before: map[string]any{"title": b.Title, "sha256": b.SHA256}, After: map[string]any{"title": in.Title, "sha256": c.Hash()}})
	})
	if err != nil {
		return Baseline{}, apperr.Wrap(err)
	}
	return s.GetBaseline(ctx, p, projectID, id)
}

// Sign records the caller's signature on a baseline: time, address and
// the SHA-256 of the canonical content. Only its named signers sign, each
// once, and only the content they were shown (in.SHA256). The baseline is
// signed when the last signer has signed.
func (s *Service) Sign(ctx context.Context, p *access.Principal, projectID, id int64, in SignInput, ip string) (Baseline, error) {
	if _, err := s.access(ctx, p, projectID); err != nil {
		return Baseline{}, err
	}
	if in.SHA256 == "" {
		return Baseline{}, apperr.InvalidField("sha256", "validate.required")
	}
	if len(ip) > 64 {
		ip = ip[:64]
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		b, err := readBaseline(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		me, ok := b.SignerOf(p.UserID)
		if !ok {
			return apperr.New(apperr.Forbidden, "change.not_signer")
		}
		if me.SignedMS != nil {
			return apperr.New(apperr.Conflict, "change.already_signed")
		}
		if !b.HashOK {
			return apperr.New(apperr.Conflict, "change.hash_broken")
		}
		if in.SHA256 != b.SHA256 {
			return apperr.New(apperr.Conflict, "change.hash_changed")
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE req_baseline_signers SET signed_ms = ?, signed_ip = ?, signed_sha256 = ? WHERE baseline_id = ? AND user_id = ? AND signed_ms IS NULL`,
			now, ip, b.SHA256, id, p.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "change.already_signed")
		}
		var left int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM req_baseline_signers WHERE baseline_id = ? AND signed_ms IS NULL`, id).Scan(&left); err != nil {
			return err
		}
		status, signed := BaselineSigning, any(nil)
		if left == 0 {
			status, signed = BaselineSigned, now
		}
		if _, err := tx.Exec(ctx, `UPDATE req_baselines SET status = ?, signed_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, status, signed, now, id); err != nil {
			return err
		}
		if err := logTx(ctx, tx, projectID, b.CRID, &id, "signed", b.Label+" "+p.Name, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "req_baseline", EntityID: id, Action: "sign", Summary: b.Label + " " + b.Title,
			After: map[string]any{"sha256": b.SHA256, "ip": ip, "status": status}})
	})
	if err != nil {
		return Baseline{}, apperr.Wrap(err)
	}
	return s.GetBaseline(ctx, p, projectID, id)
}

// DiffBaselines compares two versions of the project.
func (s *Service) DiffBaselines(ctx context.Context, p *access.Principal, projectID, from, to int64) (Baseline, Baseline, []ItemDiff, error) {
	a, err := s.GetBaseline(ctx, p, projectID, from)
	if err != nil {
		return a, Baseline{}, nil, err
	}
	b, err := s.GetBaseline(ctx, p, projectID, to)
	if err != nil {
		return a, b, nil, err
	}
	return a, b, Diff(a.Content, b.Content), nil
}

// nextBaselineTx creates the version after the latest one with the
// approved change applied to its content (0 when the project has no
// baseline yet: the first one is assembled from the pool).
func (s *Service) nextBaselineTx(ctx context.Context, tx *db.Tx, p *access.Principal, c CR) (int64, error) {
	var lastID int64
	err := tx.QueryRow(ctx, `SELECT id FROM req_baselines WHERE project_id = ? ORDER BY major DESC, minor DESC LIMIT 1`, c.ProjectID).Scan(&lastID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	last, err := readBaseline(ctx, tx, c.ProjectID, lastID)
	if err != nil {
		return 0, err
	}
	content, err := s.applyContent(ctx, tx, c, last.Content)
	if err != nil {
		return 0, err
	}
	id, err := insertBaselineTx(ctx, tx, p, c.ProjectID, last.Major, last.Minor+1, last.Title, c.Code+" "+c.Title, content, &c.ID)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `UPDATE change_requests SET baseline_id = ? WHERE id = ?`, id, c.ID)
	return id, err
}

// applyContent applies a change's items (numbers already assigned) to a
// baseline's content.
func (s *Service) applyContent(ctx context.Context, tx *db.Tx, c CR, in Content) (Content, error) {
	out := Content{Requirements: slices.Clone(in.Requirements), Functions: slices.Clone(in.Functions), Links: slices.Clone(in.Links)}
	for _, it := range c.Items {
		v := it.Values
		switch it.Target {
		case "requirement":
			out.Requirements = slices.DeleteFunc(out.Requirements, func(r Req) bool { return r.Number == it.Number })
			if it.Op == "remove" {
				out.Links = slices.DeleteFunc(out.Links, func(l Mapping) bool { return l.Req == it.Number })
				continue
			}
			src := "change_request"
			for _, r := range in.Requirements {
				if r.Number == it.Number {
					src = r.Source
				}
			}
			out.Requirements = append(out.Requirements, Req{Number: it.Number, Title: v.Title, Description: v.Description, Module: v.Module, Priority: v.Priority,
				Acceptance: v.Acceptance, Source: src, Value: v.Value, Effort: v.Effort})
		case "function":
			out.Functions = slices.DeleteFunc(out.Functions, func(f Func) bool { return f.Number == it.Number })
			if it.Op == "remove" {
				out.Links = slices.DeleteFunc(out.Links, func(l Mapping) bool { return l.Func == it.Number })
				continue
			}
			out.Functions = append(out.Functions, Func{Number: it.Number, Name: v.Name, Kind: v.Kind, Description: v.Description, EffortTenths: v.EffortTenths})
			if len(v.ReqIDs) > 0 && s.pool != nil {
				out.Links = slices.DeleteFunc(out.Links, func(l Mapping) bool { return l.Func == it.Number })
				for _, rid := range v.ReqIDs {
					num, _, _, err := s.pool.Lookup(ctx, tx, c.ProjectID, "requirement", rid)
					if err != nil {
						return out, err
					}
					out.Links = append(out.Links, Mapping{Req: num, Func: it.Number})
				}
			}
		}
	}
	return out.Normalize(), nil
}
