package demo

import (
	"context"
	"fmt"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/research"
)

// LoadResearch gives each project a questionnaire copied from the standard
// library (仓储 for a WMS project, 财务 otherwise), sent to the key user who
// has submitted it, and an internal interview record whose notes the
// consultant can turn into requirements sentence by sentence. Call it
// after the projects and their members exist.
func LoadResearch(ctx context.Context, a *app.App, projectIDs []int64) error {
	s := a.Research
	for _, id := range projectIDs {
		con, err := memberWithRole(ctx, a, id, access.RoleConsultant)
		if err != nil {
			return err
		}
		ku, err := memberWithRole(ctx, a, id, access.RoleKeyUser)
		if err != nil {
			return err
		}
		var product string
		if err := a.DB.QueryRow(ctx, `SELECT product FROM projects WHERE id = ?`, id).Scan(&product); err != nil {
			return err
		}
		key := "finance"
		if product == "WMS" {
			key = "warehouse"
		}
		ts, err := s.Templates(ctx, con)
		if err != nil {
			return err
		}
		var tmpl research.Template
		for _, t := range ts {
			if t.BuiltinKey == key {
				tmpl = t
			}
		}
		if tmpl.ID == 0 {
			return fmt.Errorf("standard template %s missing", key)
		}
		q, err := s.CreateQuestionnaire(ctx, con, id, research.QuestionnaireInput{TemplateID: tmpl.ID, DueDate: "2026-12-18"})
		if err != nil {
			return fmt.Errorf("questionnaire: %w", err)
		}
		if q, err = s.Send(ctx, con, id, q.ID, research.SendInput{UserIDs: []int64{ku.UserID}, Version: q.Version}); err != nil {
			return fmt.Errorf("send: %w", err)
		}
		mine, _, err := s.Questionnaire(ctx, ku, id, q.ID)
		if err != nil || mine.Mine == nil {
			return fmt.Errorf("questionnaire for key user: %v", err)
		}
		if _, err := s.SaveAnswers(ctx, ku, id, q.ID, research.AnswerInput{Answers: demoAnswers(q.Body), Submit: true, Version: mine.Mine.Version}); err != nil {
			return fmt.Errorf("answers: %w", err)
		}
		notes := "月结目前要 6 个工作日，主要卡在应收对账和费用分摊。\n" +
			"销售开票后财务要手工在 Excel 里核对回款，每月约 300 笔。\n" +
			"希望新系统能按客户自动核销，并出具账龄分析表！\n" +
			"成本中心按车间划分，共 8 个，分摊规则每季度调整一次。\n" +
			"审批目前走纸质单据，领导出差时经常耽误付款？"
		if product == "WMS" {
			notes = "冷库收货高峰在早上 6 点到 9 点，目前靠纸质单据登记温度。\n" +
				"拣货员平均每单要走 400 米，波次没有按库区合并。\n" +
				"希望上架时系统自动推荐库位，并提示临期批次！\n" +
				"每月月底全盘一次，需要停发货半天。"
		}
		if _, err := s.CreateRecord(ctx, con, id, research.RecordInput{Kind: research.KindInterview, Title: "业务负责人访谈——现状与痛点",
			Interviewee: ku.Name, HeldDate: "2026-11-20", Place: "客户会议室 A", Participants: con.Name + "、" + ku.Name, Notes: notes}); err != nil {
			return fmt.Errorf("interview: %w", err)
		}
	}
	return nil
}

// demoAnswers fills every question of a body with a plausible answer.
func demoAnswers(b research.Body) research.Answers {
	out := research.Answers{}
	for i, q := range b.Questions() {
		switch q.Type {
		case research.TypeShort:
			out[q.Key] = research.Answer{Text: "已由关键用户填写（示例）"}
		case research.TypeLong:
			out[q.Key] = research.Answer{Text: "月末集中处理，人工核对多，容易出错；希望系统自动完成并留痕。"}
		case research.TypeSingle:
			out[q.Key] = research.Answer{Choices: []string{q.Options[i%len(q.Options)]}}
		case research.TypeMulti:
			out[q.Key] = research.Answer{Choices: q.Options[:2]}
		case research.TypeScale:
			out[q.Key] = research.Answer{Scale: 2 + i%3}
		case research.TypeTable:
			row := make([]string, len(q.Columns))
			for j := range row {
				row[j] = fmt.Sprintf("示例 %d", j+1)
			}
			out[q.Key] = research.Answer{Rows: [][]string{row}}
		}
	}
	return out
}
