package requirement

import (
	"context"
	"html/template"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/discuss"
	"golive/internal/project"
	"golive/internal/web"
)

// DiscussKind is the kind under which requirements register with discuss
// (comments and attachments: the customer's screenshots, old forms).
const DiscussKind = "requirement"

// DiscussionPanel renders an object's comments and attachments.
type DiscussionPanel func(c *web.Ctx, ref discuss.Ref) (template.HTML, error)

// SetDiscussion installs the requirement page's discussion renderer.
func (s *Service) SetDiscussion(p DiscussionPanel) { s.discussion = p }

// DiscussTarget is the requirement resolver for discuss: a requirement the
// caller cannot see (another company's, or internal for a customer) is
// not found. Everyone who sees it may comment while the project is
// active; the PM and consultants moderate; its author follows it.
func (s *Service) DiscussTarget(ctx context.Context, p *access.Principal, id int64) (discuss.Target, error) {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM requirements WHERE id = ? AND deleted_ms IS NULL`, id).Scan(&projectID); err != nil {
		return discuss.Target{}, db.NotFound(err)
	}
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return discuss.Target{}, err
	}
	r, err := loadReq(ctx, s.db, projectID, id, p.Can(m, access.InternalView))
	if err != nil {
		return discuss.Target{}, err
	}
	var status string
	if err := s.db.QueryRow(ctx, `SELECT status FROM projects WHERE id = ?`, projectID).Scan(&status); err != nil {
		return discuss.Target{}, apperr.Wrap(err)
	}
	out := discuss.Target{ProjectID: projectID, Title: r.Ref() + " " + r.Title,
		Link:            "/projects/" + strconv.FormatInt(projectID, 10) + "/requirements/" + strconv.FormatInt(id, 10),
		CustomerVisible: r.CustomerVisible, SeesInternal: p.Can(m, access.InternalView),
		CanComment: status == project.StatusActive, CanModerate: p.Can(m, access.RequirementEdit)}
	if r.CreatedBy != nil {
		out.Followers = []int64{*r.CreatedBy}
	}
	return out, nil
}
