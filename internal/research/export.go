package research

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"golive/internal/web"
)

var china = time.FixedZone("CST", 8*3600)

// writeResponses answers a workbook of a questionnaire's responses: sheet
// one is the person × question matrix (submitted answers; others show
// their status), sheet two the aggregates per question and option.
func writeResponses(c *web.Ctx, q Questionnaire, rs []Response) error {
	L := labels(c)
	f := excelize.NewFile()
	defer f.Close()
	s1 := c.T("research.sheet_responses")
	s2 := c.T("research.sheet_aggregate")
	if err := f.SetSheetName("Sheet1", s1); err != nil {
		return err
	}
	if _, err := f.NewSheet(s2); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	qs := q.Body.Questions()
	head := []any{c.T("research.col.person"), c.T("field.role"), c.T("field.status"), c.T("research.col.submitted_at")}
	for i, qu := range qs {
		head = append(head, fmt.Sprintf("%d. %s", i+1, qu.Text))
	}
	put := func(sheet string, row int, vals []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(sheet, cell, &vals)
	}
	if err := put(s1, 1, head); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(head), 1)
	_ = f.SetCellStyle(s1, "A1", last, bold)
	_ = f.SetColWidth(s1, "A", "D", 14)
	if len(qs) > 0 {
		a, _ := excelize.ColumnNumberToName(5)
		z, _ := excelize.ColumnNumberToName(4 + len(qs))
		_ = f.SetColWidth(s1, a, z, 28)
	}
	for i, r := range rs {
		at := ""
		if r.SubmittedMS != nil {
			at = time.UnixMilli(*r.SubmittedMS).In(china).Format("2006-01-02 15:04")
		}
		vals := []any{r.UserName, L["role."+r.Role], L["r."+r.Status], at}
		for _, qu := range qs {
			a, ok := r.Answers[qu.Key]
			switch {
			case !ok:
				vals = append(vals, "")
			case qu.Type == TypeScale:
				vals = append(vals, a.Scale)
			default:
				vals = append(vals, AnswerText(qu, a))
			}
		}
		if err := put(s1, i+2, vals); err != nil {
			return err
		}
	}
	if len(rs) > 0 {
		z, _ := excelize.CoordinatesToCellName(len(head), len(rs)+1)
		_ = f.SetCellStyle(s1, "A2", z, wrap)
	}
	_ = f.SetPanes(s1, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"})

	agg := aggregate(q.Body, rs)
	if err := put(s2, 1, []any{"#", c.T("research.col.question"), c.T("research.col.type"), c.T("research.col.answered"),
		c.T("research.col.option"), c.T("research.col.count"), c.T("research.col.average")}); err != nil {
		return err
	}
	_ = f.SetCellStyle(s2, "A1", "G1", bold)
	_ = f.SetColWidth(s2, "B", "B", 40)
	_ = f.SetColWidth(s2, "E", "E", 40)
	row := 2
	for i, qa := range agg.Questions {
		base := []any{i + 1, qa.Text, L["type."+qa.Type], qa.Answered}
		switch {
		case len(qa.Counts) > 0:
			for j, oc := range qa.Counts {
				vals := append(append([]any{}, base...), oc.Label, oc.N)
				if qa.Type == TypeScale && j == 0 && qa.Answered > 0 {
					v, _ := strconv.ParseFloat(qa.AverageText(), 64)
					vals = append(vals, v)
				}
				if err := put(s2, row, vals); err != nil {
					return err
				}
				row++
			}
		default:
			for _, t := range qa.Texts {
				if err := put(s2, row, append(append([]any{}, base...), t.Name+"："+t.Text)); err != nil {
					return err
				}
				row++
			}
			if len(qa.Texts) == 0 {
				if err := put(s2, row, base); err != nil {
					return err
				}
				row++
			}
		}
	}
	c.W.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.W.Header().Set("Content-Disposition", `attachment; filename="questionnaire-`+itoa(q.ID)+`-responses.xlsx"`)
	c.W.WriteHeader(http.StatusOK)
	return f.Write(c.W)
}
