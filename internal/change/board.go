package change

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/project"
)

// Person is a project member as the board and signer lists show them.
type Person struct {
	UserID int64       `json:"user_id"`
	Name   string      `json:"name"`
	Role   access.Role `json:"role"`
	Vendor bool        `json:"vendor"`
}

// BoardView is a project's board and signers with the candidates.
type BoardView struct {
	ProjectID  int64    `json:"project_id"`
	Configured bool     `json:"configured"`
	Board      Board    `json:"board"`
	Signers    []int64  `json:"signers"` // named besides the customer PMs
	Version    int64    `json:"version"` // 0 before the first save
	Members    []Person `json:"members"` // live project members (candidates)
}

// Name returns a member's name ("" when not a member).
func (v BoardView) Name(id int64) string {
	for _, m := range v.Members {
		if m.UserID == id {
			return m.Name
		}
	}
	return ""
}

// BoardInput configures the board.
type BoardInput struct {
	Members []int64 `json:"members"`
	Chair   int64   `json:"chair"`
	Rule    Rule    `json:"rule" enum:"unanimous,majority,chair"`
	Quorum  int     `json:"quorum" minimum:"1"`
	Signers []int64 `json:"signers"`
	Version int64   `json:"version"` // 0 for the first save
}

// Validate checks what does not need the database.
func (in *BoardInput) Validate() error {
	var f apperr.Fields
	slices.Sort(in.Members)
	in.Members = slices.Compact(in.Members)
	slices.Sort(in.Signers)
	in.Signers = slices.Compact(in.Signers)
	if len(in.Members) == 0 {
		f.Add("members", "validate.required")
	}
	if len(in.Members) > 50 {
		f.Add("members", "validate.too_long", 50)
	}
	if !in.Rule.Valid() {
		f.Add("rule", "validate.enum")
	}
	if in.Chair == 0 {
		f.Add("chair", "validate.required")
	} else if len(in.Members) > 0 && !slices.Contains(in.Members, in.Chair) {
		f.Add("chair", "change.chair_not_member")
	}
	if in.Quorum < 1 || (len(in.Members) > 0 && in.Quorum > len(in.Members)) {
		f.Add("quorum", "change.quorum_range", len(in.Members))
	}
	return f.Err()
}

// access checks the caller may see the project's change control and
// returns their membership.
func (s *Service) access(ctx context.Context, p *access.Principal, projectID int64) (access.Membership, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return m, err
	}
	if !p.Can(m, access.ChangeView) {
		return m, apperr.NotFoundErr()
	}
	return m, nil
}

func (s *Service) can(ctx context.Context, p *access.Principal, projectID int64, a access.Action) (access.Membership, error) {
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return m, err
	}
	if !p.Can(m, a) {
		return m, apperr.ForbiddenErr()
	}
	return m, nil
}

// writable refuses changes to an archived (or deleted) project.
func writable(ctx context.Context, tx *db.Tx, projectID int64) error {
	var st string
	err := tx.QueryRow(ctx, `SELECT status FROM projects WHERE id = ? AND deleted_ms IS NULL`, projectID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundErr()
	}
	if err != nil {
		return err
	}
	if st == project.StatusArchived {
		return apperr.New(apperr.Conflict, "project.archived_readonly")
	}
	return nil
}

func members(ctx context.Context, q db.Q, projectID int64) ([]Person, error) {
	rows, err := q.Query(ctx, `SELECT u.id, u.name, m.role, c.kind = 'vendor' FROM project_members m JOIN users u ON u.id = m.user_id JOIN companies c ON c.id = u.company_id
		WHERE m.project_id = ? AND m.deleted_ms IS NULL ORDER BY c.kind DESC, m.role, u.name, u.id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Person{}
	for rows.Next() {
		var m Person
		if err := rows.Scan(&m.UserID, &m.Name, &m.Role, &m.Vendor); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func loadBoard(ctx context.Context, q db.Q, projectID int64) (BoardView, error) {
	v := BoardView{ProjectID: projectID, Signers: []int64{}}
	var chair *int64
	err := q.QueryRow(ctx, `SELECT rule, quorum, chair_id, version FROM ccb_boards WHERE project_id = ?`, projectID).Scan(&v.Board.Rule, &v.Board.Quorum, &chair, &v.Version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Board.Rule = RuleMajority
	case err != nil:
		return v, err
	default:
		v.Configured = true
		if chair != nil {
			v.Board.Chair = *chair
		}
	}
	v.Board.Members = []int64{}
	for _, t := range []struct {
		table string
		dst   *[]int64
	}{{"ccb_members", &v.Board.Members}, {"change_signers", &v.Signers}} {
		rows, err := q.Query(ctx, `SELECT user_id FROM `+t.table+` WHERE project_id = ? ORDER BY user_id`, projectID)
		if err != nil {
			return v, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return v, err
			}
			*t.dst = append(*t.dst, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return v, err
		}
	}
	v.Members, err = members(ctx, q, projectID)
	return v, err
}

// Board reads a project's board and signers.
func (s *Service) Board(ctx context.Context, p *access.Principal, projectID int64) (BoardView, error) {
	if _, err := s.access(ctx, p, projectID); err != nil {
		return BoardView{}, err
	}
	v, err := loadBoard(ctx, s.db, projectID)
	return v, apperr.Wrap(err)
}

// SaveBoard sets the board's members (live project members of either
// side), chair, rule and quorum, and the named baseline signers.
func (s *Service) SaveBoard(ctx context.Context, p *access.Principal, projectID int64, in BoardInput) (BoardView, error) {
	if _, err := s.can(ctx, p, projectID, access.ChangeManage); err != nil {
		return BoardView{}, err
	}
	if err := in.Validate(); err != nil {
		return BoardView{}, err
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		cur, err := loadBoard(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return apperr.ConflictErr()
		}
		live := map[int64]bool{}
		for _, m := range cur.Members {
			live[m.UserID] = true
		}
		var f apperr.Fields
		for _, id := range in.Members {
			if !live[id] {
				f.Add("members", "change.not_member")
			}
		}
		for _, id := range in.Signers {
			if !live[id] {
				f.Add("signers", "change.not_member")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := db.Now()
		if cur.Configured {
			res, err := tx.Exec(ctx, `UPDATE ccb_boards SET rule = ?, quorum = ?, chair_id = ?, updated_by = ?, updated_ms = ?, version = version + 1 WHERE project_id = ? AND version = ?`,
				in.Rule, in.Quorum, in.Chair, p.UserID, now, projectID, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
		} else if _, err := tx.Exec(ctx, `INSERT INTO ccb_boards (project_id, rule, quorum, chair_id, updated_by, updated_ms) VALUES (?, ?, ?, ?, ?, ?)`,
			projectID, in.Rule, in.Quorum, in.Chair, p.UserID, now); err != nil {
			if db.IsUnique(err) {
				return apperr.ConflictErr()
			}
			return err
		}
		for _, t := range []struct {
			table string
			ids   []int64
		}{{"ccb_members", in.Members}, {"change_signers", in.Signers}} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t.table+` WHERE project_id = ?`, projectID); err != nil {
				return err
			}
			for _, id := range t.ids {
				if _, err := tx.Exec(ctx, `INSERT INTO `+t.table+` (project_id, user_id) VALUES (?, ?)`, projectID, id); err != nil {
					return err
				}
			}
		}
		var before any
		if cur.Configured {
			before = map[string]any{"members": cur.Board.Members, "chair": cur.Board.Chair, "rule": cur.Board.Rule, "quorum": cur.Board.Quorum, "signers": cur.Signers}
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "ccb_board", EntityID: projectID, Action: "update", Summary: "CCB",
			Before: before, After: map[string]any{"members": in.Members, "chair": in.Chair, "rule": in.Rule, "quorum": in.Quorum, "signers": in.Signers}})
	})
	if err != nil {
		return BoardView{}, apperr.Wrap(err)
	}
	return s.Board(ctx, p, projectID)
}
