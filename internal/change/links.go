package change

import (
	"context"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/discuss"
	"golive/internal/requirement"
)

// DiscussKind names change requests for comments and attachments.
const DiscussKind = "change_request"

// DiscussTarget describes a change request to discuss: everyone on the
// project who sees change control may comment and attach (the request's
// supporting documents); the PM moderates; the board and the requester
// follow it.
func (s *Service) DiscussTarget(ctx context.Context, p *access.Principal, id int64) (discuss.Target, error) {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM change_requests WHERE id = ? AND deleted_ms IS NULL`, id).Scan(&projectID); err != nil {
		return discuss.Target{}, apperr.NotFoundErr()
	}
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return discuss.Target{}, err
	}
	c, err := readCR(ctx, s.db, projectID, id, false)
	if err != nil {
		return discuss.Target{}, apperr.Wrap(err)
	}
	return discuss.Target{ProjectID: projectID, Title: c.Code + " " + c.Title, Link: s.link(projectID, id), CustomerVisible: true,
		SeesInternal: p.Can(m, access.InternalView), CanComment: p.Can(m, access.ChangeView), CanModerate: p.Can(m, access.ChangeManage),
		Followers: append([]int64{c.RequestedBy}, c.Board.Members...)}, nil
}

// Trace lists, per requirement, the change requests that touch it (a
// column of the traceability matrix): those naming it as changed or
// removed, and the one that added it.
func (s *Service) Trace(ctx context.Context, p *access.Principal, projectID int64) (map[int64][]requirement.TraceRef, error) {
	if _, err := s.access(ctx, p, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT i.target_id, c.id, c.number, c.title, c.status FROM cr_items i JOIN change_requests c ON c.id = i.cr_id
		WHERE c.project_id = ? AND c.deleted_ms IS NULL AND i.target = 'requirement' AND i.op <> 'add'
		UNION SELECT r.id, c.id, c.number, c.title, c.status FROM requirements r JOIN change_requests c ON c.id = r.source_id
		WHERE r.project_id = ? AND r.source_kind = 'change_request' AND c.project_id = ? AND c.deleted_ms IS NULL
		ORDER BY 3`, projectID, projectID, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := map[int64][]requirement.TraceRef{}
	for rows.Next() {
		var rid, cid int64
		var n int
		var title, st string
		if err := rows.Scan(&rid, &cid, &n, &title, &st); err != nil {
			return nil, apperr.Wrap(err)
		}
		out[rid] = append(out[rid], requirement.TraceRef{ID: cid, Label: CodeOf(n) + " " + title, URL: "/projects/" + strconv.FormatInt(projectID, 10) + "/changes/" + strconv.FormatInt(cid, 10), Status: st})
	}
	return out, apperr.Wrap(rows.Err())
}
