package engine

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"golive/internal/i18n"
)

// templateRows is how far down the template's drop-downs and formats
// reach: enough for any migration typed by hand, small enough to open fast.
const templateRows = 10000

// WriteTemplateXLSX writes the Excel template of spec: a data sheet whose
// header row carries each field's label and code ("*" marks required
// fields), drop-down lists for fields with allowed values and booleans,
// text format on text and code columns (leading zeros survive) and an input
// hint per column; a notes sheet explaining each field, key and rule in
// Chinese; and a sample sheet with one sample row.
func WriteTemplateXLSX(w io.Writer, spec Spec) error {
	if _, err := Compile(spec); err != nil {
		return err
	}
	t := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	data, notes, sample, lists := t("dataengine.template.data_sheet"), t("dataengine.template.notes_sheet"), t("dataengine.template.sample_sheet"), "lists"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return err
	}
	for _, s := range []string{notes, sample, lists} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	reqHead, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	textFmt, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	dateFmt, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	listCol := 0
	for i, fd := range spec.Fields {
		col, _ := excelize.ColumnNumberToName(i + 1)
		st := head
		if fd.Required {
			st = reqHead
		}
		f.SetCellStr(data, col+"1", templateHeader(fd))
		f.SetCellStyle(data, col+"1", col+"1", st)
		f.SetColWidth(data, col, col, max(14, float64(len([]rune(fd.Label)))*2+4))
		switch fd.Type {
		case TypeText, TypeCode, "":
			f.SetColStyle(data, col, textFmt)
		case TypeDate:
			f.SetColStyle(data, col, dateFmt)
		}
		f.SetCellStyle(data, col+"1", col+"1", st)
		rng := col + "2:" + col + strconv.Itoa(templateRows+1)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(rng)
		values := fd.Allowed
		if fd.Type == TypeBool {
			values = []string{"是", "否"}
		}
		if len(values) > 0 {
			// Lists live on a hidden sheet: an inline list is capped at
			// 255 characters.
			listCol++
			lc, _ := excelize.ColumnNumberToName(listCol)
			for k, v := range values {
				f.SetCellStr(lists, lc+strconv.Itoa(k+1), v)
			}
			dv.SetSqrefDropList("'" + lists + "'!$" + lc + "$1:$" + lc + "$" + strconv.Itoa(len(values)))
			dv.SetError(excelize.DataValidationErrorStyleWarning, fd.Label, t("dataengine.template.not_in_list"))
		}
		dv.SetInput(truncRunes(fd.Label, 32), truncRunes(fieldHint(fd), 250))
		if err := f.AddDataValidation(data, dv); err != nil {
			return err
		}
	}
	f.SetRowHeight(data, 1, 30)
	f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	f.SetSheetVisible(lists, false)

	// Notes: one row per field, then keys, rules and de-duplication.
	cols := []string{"code", "label", "type", "required", "max_length", "pattern", "allowed", "unique", "lookup", "default", "cleanse", "sample", "note"}
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr(notes, cell, t("dataengine.template.col_"+c))
		f.SetCellStyle(notes, cell, cell, head)
	}
	f.SetColWidth(notes, "A", "B", 16)
	f.SetColWidth(notes, "C", "L", 12)
	f.SetColWidth(notes, "M", "M", 50)
	yes := func(b bool) string {
		if b {
			return t("dataengine.template.yes")
		}
		return ""
	}
	for i, fd := range spec.Fields {
		typ := t("dataengine.type." + string(orText(fd.Type)))
		if fd.Type == TypeDecimal {
			typ = t("dataengine.template.decimal_scale", fd.Scale)
		}
		length := ""
		if fd.MaxLength > 0 {
			length = strconv.Itoa(fd.MaxLength)
		}
		lookup := ""
		if fd.Lookup != nil {
			lookup = fd.Lookup.SetName()
		}
		row := []any{fd.Code, fd.Label, typ, yes(fd.Required), length, fd.Pattern, strings.Join(fd.Allowed, "、"),
			yes(fd.Unique), lookup, fd.Default, cleanseText(fd.Cleanse), sampleValue(fd), fd.Note}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow(notes, cell, &row)
	}
	r := len(spec.Fields) + 3
	section := func(title string) {
		cell := "A" + strconv.Itoa(r)
		f.SetCellStr(notes, cell, title)
		f.SetCellStyle(notes, cell, cell, head)
		r++
	}
	if len(spec.Keys) > 0 {
		section(t("dataengine.template.keys"))
		for _, k := range spec.Keys {
			f.SetSheetRow(notes, "A"+strconv.Itoa(r), &[]any{k.Name, t("dataengine.template.key_text", labelsOf(spec, k.Fields))})
			r++
		}
		r++
	}
	if len(spec.Rules) > 0 {
		section(t("dataengine.template.rules"))
		for _, rule := range spec.Rules {
			f.SetSheetRow(notes, "A"+strconv.Itoa(r), &[]any{rule.Name, rule.Expr, rule.Message})
			r++
		}
		r++
	}
	if d := spec.Dedup; d != nil {
		section(t("dataengine.template.dedup"))
		key := t("dataengine.template.dedup_exact")
		if len(d.Fields) > 0 {
			key = labelsOf(spec, d.Fields)
		}
		surv := d.Survivor
		if surv == "" {
			surv = SurvivorFirst
		}
		f.SetSheetRow(notes, "A"+strconv.Itoa(r), &[]any{key, t("dataengine.template.survivor_" + string(surv))})
		r += 2
	}
	section(t("dataengine.template.general"))
	for _, k := range []string{"general_1", "general_2", "general_3", "general_4"} {
		f.SetCellStr(notes, "A"+strconv.Itoa(r), t("dataengine.template."+k))
		r++
	}

	// Sample: the header and one row of sample values.
	for i, fd := range spec.Fields {
		c1, _ := excelize.CoordinatesToCellName(i+1, 1)
		c2, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellStr(sample, c1, templateHeader(fd))
		f.SetCellStyle(sample, c1, c1, head)
		f.SetCellStr(sample, c2, sampleValue(fd))
	}
	f.SetActiveSheet(0)
	_, err := f.WriteTo(w)
	return err
}

func ptr[T any](v T) *T { return &v }

func orText(t FieldType) FieldType {
	if t == "" {
		return TypeText
	}
	return t
}

func truncRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func labelsOf(spec Spec, codes []string) string {
	var out []string
	for _, c := range codes {
		for _, f := range spec.Fields {
			if f.Code == c {
				out = append(out, f.Label)
			}
		}
	}
	return strings.Join(out, " + ")
}

// fieldHint is the input message Excel shows on a column.
func fieldHint(f Field) string {
	var parts []string
	t := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	if f.Required {
		parts = append(parts, t("dataengine.template.yes_required"))
	}
	typ := t("dataengine.type." + string(orText(f.Type)))
	if f.Type == TypeDecimal {
		typ = t("dataengine.template.decimal_scale", f.Scale)
	}
	parts = append(parts, typ)
	if f.MaxLength > 0 {
		parts = append(parts, t("dataengine.template.hint_length", f.MaxLength))
	}
	if f.Unique {
		parts = append(parts, t("dataengine.checkname.unique"))
	}
	if f.Note != "" {
		parts = append(parts, f.Note)
	}
	return strings.Join(parts, "；")
}

func cleanseText(c Cleanse) string {
	var parts []string
	t := func(key string) string { return i18n.T(i18n.ZH, key) }
	if c.Trim {
		parts = append(parts, t("dataengine.fix.trim"))
	}
	if c.HalfWidth {
		parts = append(parts, t("dataengine.fix.half_width"))
	}
	if c.Case == "upper" {
		parts = append(parts, t("dataengine.template.upper"))
	} else if c.Case == "lower" {
		parts = append(parts, t("dataengine.template.lower"))
	}
	if c.CodeMap != "" {
		parts = append(parts, t("dataengine.fix.code_map")+" "+c.CodeMap)
	}
	return strings.Join(parts, "、")
}

// sampleValue is the field's Sample; for a required field without one, a
// value of its type; else empty (an invented value would break patterns).
func sampleValue(f Field) string {
	if f.Sample != "" {
		return f.Sample
	}
	if !f.Required {
		return ""
	}
	if len(f.Allowed) > 0 {
		return f.Allowed[0]
	}
	switch f.Type {
	case TypeInt:
		return "100"
	case TypeDecimal:
		return string(appendScaled(nil, 123456*pow10[f.Scale]/100, f.Scale))
	case TypeDate:
		return "2024-01-05"
	case TypeBool:
		return "是"
	}
	return f.Label
}

// WriteTemplateCSV writes the CSV template: UTF-8 with BOM, the header row
// (labels with codes, as in the .xlsx) and no data.
func WriteTemplateCSV(w io.Writer, spec Spec) error {
	if _, err := Compile(spec); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("\uFEFF")
	cw := csv.NewWriter(bw)
	head := make([]string, len(spec.Fields))
	for i, f := range spec.Fields {
		head[i] = templateHeader(f)
	}
	cw.Write(head)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
