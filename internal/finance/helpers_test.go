package finance_test

import (
	"strconv"

	"golive/internal/access"
	"golive/internal/project"
)

func fmtInt(v int64) string { return strconv.FormatInt(v, 10) }

func projectMember(userID int64, role access.Role) project.MemberInput {
	return project.MemberInput{UserID: userID, Role: string(role)}
}
