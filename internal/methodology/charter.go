package methodology

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// Charter statuses: a draft is edited in place; once the sponsor signs it
// the version is frozen and the next edit starts a new draft version.
const (
	CharterDraft  = "draft"
	CharterSigned = "signed"
)

// Charter is one version of a project's charter (项目章程). BudgetSummary
// is vendor-internal money talk: nil for callers without CostView.
type Charter struct {
	ID              int64   `json:"id"`
	ProjectID       int64   `json:"project_id"`
	VersionNo       int     `json:"version_no"`
	Objectives      string  `json:"objectives"`
	ScopeIn         string  `json:"scope_in"`
	ScopeOut        string  `json:"scope_out"`
	SuccessCriteria string  `json:"success_criteria"`
	KeyDates        string  `json:"key_dates"`
	BudgetSummary   *string `json:"budget_summary,omitempty"`
	SponsorID       *int64  `json:"sponsor_id"`
	SponsorName     string  `json:"sponsor_name"`
	Status          string  `json:"status" enum:"draft,signed"`
	SignedBy        *int64  `json:"signed_by"`
	SignerName      string  `json:"signed_by_name"`
	SignedMS        *int64  `json:"signed_ms"`
	ContentHash     string  `json:"content_hash"`
	CreatedMS       int64   `json:"created_ms"`
	UpdatedMS       int64   `json:"updated_ms"`
	Version         int64   `json:"version"`
	budget          string
}

// canonical is the signed content, in a fixed member order (encoding/json
// writes struct fields in declaration order, here alphabetical), with
// "\n" line ends. Its SHA-256 is the charter's content hash: anyone with
// the row can recompute it and see the text is what was signed.
type canonical struct {
	BudgetSummary   string `json:"budget_summary"`
	KeyDates        string `json:"key_dates"`
	Objectives      string `json:"objectives"`
	ProjectID       int64  `json:"project_id"`
	ScopeIn         string `json:"scope_in"`
	ScopeOut        string `json:"scope_out"`
	SponsorID       int64  `json:"sponsor_id"`
	SuccessCriteria string `json:"success_criteria"`
	VersionNo       int    `json:"version_no"`
}

// Canonical returns the serialisation that is hashed when the charter is
// signed (the stored budget summary included, whoever reads it).
func (c Charter) Canonical() string {
	var sponsor int64
	if c.SponsorID != nil {
		sponsor = *c.SponsorID
	}
	b, _ := json.Marshal(canonical{BudgetSummary: c.budget, KeyDates: c.KeyDates, Objectives: c.Objectives, ProjectID: c.ProjectID,
		ScopeIn: c.ScopeIn, ScopeOut: c.ScopeOut, SponsorID: sponsor, SuccessCriteria: c.SuccessCriteria, VersionNo: c.VersionNo})
	return string(b)
}

// Hash is the hex SHA-256 of Canonical.
func (c Charter) Hash() string {
	h := sha256.Sum256([]byte(c.Canonical()))
	return hex.EncodeToString(h[:])
}

// HashOK reports whether a signed charter still matches its hash.
func (c Charter) HashOK() bool { return c.Status == CharterSigned && c.ContentHash == c.Hash() }

// CharterInput edits the charter. BudgetSummary nil keeps the stored one
// (callers who cannot see it cannot change it).
type CharterInput struct {
	Objectives      string  `json:"objectives" maxLength:"10000"`
	ScopeIn         string  `json:"scope_in" maxLength:"10000"`
	ScopeOut        string  `json:"scope_out" maxLength:"10000"`
	SuccessCriteria string  `json:"success_criteria" maxLength:"10000"`
	KeyDates        string  `json:"key_dates" maxLength:"10000"`
	BudgetSummary   *string `json:"budget_summary" maxLength:"10000"`
	SponsorID       int64   `json:"sponsor_id"`
	Version         int64   `json:"version"` // of the latest version; 0 when there is none
}

func normText(f *apperr.Fields, field string, v *string) {
	*v = strings.ReplaceAll(strings.ReplaceAll(*v, "\r\n", "\n"), "\r", "\n")
	validate.Text(f, field, v, 0, 10000)
}

func (in *CharterInput) Validate() error {
	var f apperr.Fields
	normText(&f, "objectives", &in.Objectives)
	normText(&f, "scope_in", &in.ScopeIn)
	normText(&f, "scope_out", &in.ScopeOut)
	normText(&f, "success_criteria", &in.SuccessCriteria)
	normText(&f, "key_dates", &in.KeyDates)
	if in.BudgetSummary != nil {
		normText(&f, "budget_summary", in.BudgetSummary)
	}
	if in.Objectives == "" && !f.Has("objectives") {
		f.Add("objectives", "validate.required")
	}
	if in.SponsorID < 0 {
		f.Add("sponsor_id", "meth.not_member")
	}
	if in.Version < 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// CharterVersion is one line of the version history.
type CharterVersion struct {
	VersionNo   int    `json:"version_no"`
	Status      string `json:"status" enum:"draft,signed"`
	SignerName  string `json:"signed_by_name"`
	SignedMS    *int64 `json:"signed_ms"`
	ContentHash string `json:"content_hash"`
	UpdatedMS   int64  `json:"updated_ms"`
}

// CharterView is what a caller may read of a project's charter: the
// version asked for (the latest visible by default) and the history.
type CharterView struct {
	Charter  *Charter         `json:"charter"`
	Versions []CharterVersion `json:"versions"`
	CanEdit  bool             `json:"can_edit"`
	CanSign  bool             `json:"can_sign"`
}

const charterCols = `ch.id, ch.project_id, ch.version_no, ch.objectives, ch.scope_in, ch.scope_out, ch.success_criteria, ch.key_dates, ch.budget_summary,
	ch.sponsor_id, COALESCE(sp.name, ''), ch.status, ch.signed_by, COALESCE(sg.name, ''), ch.signed_ms, ch.content_hash, ch.created_ms, ch.updated_ms, ch.version`

const charterFrom = ` FROM charters ch LEFT JOIN users sp ON sp.id = ch.sponsor_id LEFT JOIN users sg ON sg.id = ch.signed_by`

func scanCharter(r interface{ Scan(...any) error }) (Charter, error) {
	var c Charter
	err := r.Scan(&c.ID, &c.ProjectID, &c.VersionNo, &c.Objectives, &c.ScopeIn, &c.ScopeOut, &c.SuccessCriteria, &c.KeyDates, &c.budget,
		&c.SponsorID, &c.SponsorName, &c.Status, &c.SignedBy, &c.SignerName, &c.SignedMS, &c.ContentHash, &c.CreatedMS, &c.UpdatedMS, &c.Version)
	return c, err
}

func listCharters(ctx context.Context, q db.Q, projectID int64) ([]Charter, error) {
	rows, err := q.Query(ctx, `SELECT `+charterCols+charterFrom+` WHERE ch.project_id = ? ORDER BY ch.version_no`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Charter
	for rows.Next() {
		c, err := scanCharter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func latestCharter(ctx context.Context, q db.Q, projectID int64) (Charter, bool, error) {
	c, err := scanCharter(q.QueryRow(ctx, `SELECT `+charterCols+charterFrom+` WHERE ch.project_id = ? ORDER BY ch.version_no DESC LIMIT 1`, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

// charterVisible: vendor members read every version; customers read
// signed versions, and the draft too when they are its sponsor (they are
// asked to sign it).
func charterVisible(p *access.Principal, m access.Membership, c Charter) bool {
	if !customer(p, m) || c.Status == CharterSigned {
		return true
	}
	return c.SponsorID != nil && *c.SponsorID == p.UserID
}

func redactCharter(p *access.Principal, m access.Membership, c *Charter) {
	if p.Can(m, access.CostView) {
		b := c.budget
		c.BudgetSummary = &b
	} else {
		c.BudgetSummary = nil
	}
}

// Charter returns version versionNo (0: the latest the caller may see)
// and the history the caller may see.
func (s *Service) Charter(ctx context.Context, p *access.Principal, projectID int64, versionNo int) (CharterView, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return CharterView{}, err
	}
	all, err := listCharters(ctx, s.db, projectID)
	if err != nil {
		return CharterView{}, apperr.Wrap(err)
	}
	v := CharterView{Versions: []CharterVersion{}, CanEdit: p.Can(m, access.MethodologyEdit)}
	for i := range all {
		c := all[i]
		if !charterVisible(p, m, c) {
			continue
		}
		v.Versions = append(v.Versions, CharterVersion{VersionNo: c.VersionNo, Status: c.Status, SignerName: c.SignerName, SignedMS: c.SignedMS,
			ContentHash: c.ContentHash, UpdatedMS: c.UpdatedMS})
		if versionNo == 0 || c.VersionNo == versionNo {
			redactCharter(p, m, &c)
			v.Charter = &c
		}
	}
	if versionNo != 0 && v.Charter == nil {
		return CharterView{}, apperr.NotFoundErr()
	}
	if len(all) > 0 {
		last := all[len(all)-1]
		v.CanSign = last.Status == CharterDraft && last.SponsorID != nil && *last.SponsorID == p.UserID && m.Member
	}
	return v, nil
}

func charterAudit(c Charter) map[string]any {
	// The budget summary is left out: the timeline is read by customers.
	return map[string]any{"version_no": c.VersionNo, "status": c.Status, "objectives": c.Objectives, "scope_in": c.ScopeIn, "scope_out": c.ScopeOut,
		"success_criteria": c.SuccessCriteria, "key_dates": c.KeyDates, "sponsor_id": c.SponsorID}
}

// SaveCharter edits the latest draft in place, starts version 1, or — when
// the latest version is signed — starts the next version from it.
func (s *Service) SaveCharter(ctx context.Context, p *access.Principal, projectID int64, in CharterInput) (Charter, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Charter{}, err
	}
	if !p.Can(m, access.MethodologyEdit) {
		return Charter{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return Charter{}, err
	}
	var out Charter
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, projectID, in.SponsorID, "sponsor_id"); err != nil {
			return err
		}
		last, ok, err := latestCharter(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if ok && last.Version != in.Version || !ok && in.Version != 0 {
			return apperr.ConflictErr()
		}
		budget := last.budget
		if in.BudgetSummary != nil && p.Can(m, access.CostView) {
			budget = *in.BudgetSummary
		}
		now := db.Now()
		action := "update"
		var id int64
		if ok && last.Status == CharterDraft {
			res, err := tx.Exec(ctx, `UPDATE charters SET objectives = ?, scope_in = ?, scope_out = ?, success_criteria = ?, key_dates = ?, budget_summary = ?,
				sponsor_id = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
				in.Objectives, in.ScopeIn, in.ScopeOut, in.SuccessCriteria, in.KeyDates, budget, nullID(in.SponsorID), now, last.ID, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
			id = last.ID
		} else {
			action = "create"
			next := 1
			if ok {
				next = last.VersionNo + 1
			}
			err := tx.QueryRow(ctx, `INSERT INTO charters (project_id, version_no, objectives, scope_in, scope_out, success_criteria, key_dates, budget_summary,
				sponsor_id, status, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				projectID, next, in.Objectives, in.ScopeIn, in.ScopeOut, in.SuccessCriteria, in.KeyDates, budget, nullID(in.SponsorID), CharterDraft, nullID(p.UserID), now, now).Scan(&id)
			if db.IsUnique(err) {
				return apperr.ConflictErr()
			}
			if err != nil {
				return err
			}
		}
		if out, err = scanCharter(tx.QueryRow(ctx, `SELECT `+charterCols+charterFrom+` WHERE ch.id = ?`, id)); err != nil {
			return err
		}
		e := audit.Entry{ProjectID: projectID, Entity: "charter", EntityID: id, Action: action, Summary: charterSummary(out), After: charterAudit(out)}
		if action == "update" {
			e.Before = charterAudit(last)
		}
		return audit.Record(ctx, tx, p, e)
	})
	if err != nil {
		return Charter{}, apperr.Wrap(err)
	}
	redactCharter(p, m, &out)
	return out, nil
}

func charterSummary(c Charter) string {
	return "V" + itoa(int64(c.VersionNo))
}

// SignCharter: the sponsor named on the latest draft signs it. The
// version is frozen with who, when and the SHA-256 of its canonical form.
// Nobody else can sign, administrators included: a signature is personal.
func (s *Service) SignCharter(ctx context.Context, p *access.Principal, projectID int64, in VersionInput) (Charter, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Charter{}, err
	}
	last, ok, err := latestCharter(ctx, s.db, projectID)
	if err != nil {
		return Charter{}, apperr.Wrap(err)
	}
	if !ok || !charterVisible(p, m, last) {
		return Charter{}, apperr.NotFoundErr()
	}
	if last.SponsorID == nil || *last.SponsorID != p.UserID || !m.Member {
		return Charter{}, apperr.New(apperr.Forbidden, "meth.charter.only_sponsor")
	}
	if err := in.Validate(); err != nil {
		return Charter{}, err
	}
	var out Charter
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		cur, _, err := latestCharter(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if cur.ID != last.ID || cur.Version != in.Version {
			return apperr.ConflictErr()
		}
		if cur.Status != CharterDraft {
			return apperr.New(apperr.Conflict, "meth.charter.already_signed")
		}
		if strings.TrimSpace(cur.Objectives) == "" {
			return apperr.New(apperr.Invalid, "meth.charter.empty_objectives")
		}
		now := db.Now()
		hash := cur.Hash()
		res, err := tx.Exec(ctx, `UPDATE charters SET status = ?, signed_by = ?, signed_ms = ?, content_hash = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = ?`, CharterSigned, p.UserID, now, hash, now, cur.ID, in.Version, CharterDraft)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = scanCharter(tx.QueryRow(ctx, `SELECT `+charterCols+charterFrom+` WHERE ch.id = ?`, cur.ID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "charter", EntityID: cur.ID, Action: "sign", Summary: charterSummary(out),
			Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": out.Status, "version_no": out.VersionNo, "content_hash": hash}})
	})
	if err != nil {
		return Charter{}, apperr.Wrap(err)
	}
	redactCharter(p, m, &out)
	return out, nil
}

// FieldDiff is what changed in one charter field between two versions.
type FieldDiff struct {
	Field   string     `json:"field"`
	Changed bool       `json:"changed"`
	Lines   []DiffLine `json:"lines"`
}

// CharterDiff compares two versions the caller may see.
type CharterDiff struct {
	From   int         `json:"from"`
	To     int         `json:"to"`
	Fields []FieldDiff `json:"fields"`
}

// DiffCharter compares version a with version b, field by field and line
// by line.
func (s *Service) DiffCharter(ctx context.Context, p *access.Principal, projectID int64, a, b int) (CharterDiff, error) {
	va, err := s.Charter(ctx, p, projectID, a)
	if err != nil {
		return CharterDiff{}, err
	}
	vb, err := s.Charter(ctx, p, projectID, b)
	if err != nil {
		return CharterDiff{}, err
	}
	ca, cb := va.Charter, vb.Charter
	pairs := []struct{ field, x, y string }{
		{"objectives", ca.Objectives, cb.Objectives},
		{"scope_in", ca.ScopeIn, cb.ScopeIn},
		{"scope_out", ca.ScopeOut, cb.ScopeOut},
		{"success_criteria", ca.SuccessCriteria, cb.SuccessCriteria},
		{"key_dates", ca.KeyDates, cb.KeyDates},
		{"sponsor_id", ca.SponsorName, cb.SponsorName},
	}
	if ca.BudgetSummary != nil && cb.BudgetSummary != nil {
		pairs = append(pairs, struct{ field, x, y string }{"budget_summary", *ca.BudgetSummary, *cb.BudgetSummary})
	}
	out := CharterDiff{From: ca.VersionNo, To: cb.VersionNo}
	for _, pr := range pairs {
		lines := DiffLines(pr.x, pr.y)
		changed := false
		for _, l := range lines {
			if l.Op != "=" {
				changed = true
			}
		}
		out.Fields = append(out.Fields, FieldDiff{Field: pr.field, Changed: changed, Lines: lines})
	}
	return out, nil
}
