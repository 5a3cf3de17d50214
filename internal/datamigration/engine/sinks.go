package engine

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"golive/internal/i18n"
)

// RowWriter receives cleaned rows.
type RowWriter interface {
	WriteHeader(cols []string) error
	WriteRow(vals []string) error
	// Close flushes; it does not close the underlying io.Writer.
	Close() error
}

// RejectedRow is one row of the error report.
type RejectedRow struct {
	Line    int
	Cells   []string // the row as read (valid only during WriteRow)
	Bad     []int    // indexes into Cells of the offending cells
	Message string   // every failed check, in Chinese, joined by "；"
}

// ErrorWriter receives rejected rows.
type ErrorWriter interface {
	// WriteHeader gets the source file's header.
	WriteHeader(header []string) error
	WriteRow(r RejectedRow) error
	Close() error
}

// NewCSVWriter writes cleaned rows as UTF-8 CSV with a BOM (so Excel opens
// Chinese text correctly).
func NewCSVWriter(w io.Writer) RowWriter {
	bw := bufio.NewWriterSize(w, 256<<10)
	return &csvWriter{bw: bw, cw: csv.NewWriter(bw)}
}

type csvWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func (c *csvWriter) WriteHeader(cols []string) error {
	if _, err := c.bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	return c.cw.Write(cols)
}

func (c *csvWriter) WriteRow(vals []string) error { return c.cw.Write(vals) }

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

// xlsxMaxRows is a worksheet's row limit.
const xlsxMaxRows = 1_048_576

// NewXLSXWriter writes cleaned rows to a one-sheet .xlsx through
// excelize's stream writer, cells as text so codes keep leading zeros. A
// sheet holds 1,048,575 data rows; one more is an error (write CSV then).
func NewXLSXWriter(w io.Writer, sheet string) RowWriter {
	return &xlsxWriter{w: w, sheet: sheet}
}

type xlsxWriter struct {
	w     io.Writer
	sheet string
	f     *excelize.File
	sw    *excelize.StreamWriter
	row   int
	cells []any
	err   error
}

func (x *xlsxWriter) start() error {
	x.f = excelize.NewFile()
	if x.sheet == "" {
		x.sheet = "Sheet1"
	}
	if err := x.f.SetSheetName("Sheet1", x.sheet); err != nil {
		return err
	}
	sw, err := x.f.NewStreamWriter(x.sheet)
	x.sw = sw
	return err
}

func (x *xlsxWriter) WriteHeader(cols []string) error {
	if err := x.start(); err != nil {
		return err
	}
	style, _ := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{Value: c, StyleID: style}
	}
	x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	for i := range cols {
		x.sw.SetColWidth(i+1, i+1, 16)
	}
	x.row = 1
	return x.sw.SetRow("A1", cells)
}

func (x *xlsxWriter) WriteRow(vals []string) error {
	x.row++
	if x.row > xlsxMaxRows {
		return invalidField("file", "dataengine.file.xlsx_full", xlsxMaxRows-1)
	}
	x.cells = x.cells[:0]
	for _, v := range vals {
		x.cells = append(x.cells, v)
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	return x.sw.SetRow(cell, x.cells)
}

func (x *xlsxWriter) Close() error {
	if x.f == nil {
		return nil
	}
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	x.f = nil
	return err
}

// NewErrorReport writes the error report: an .xlsx with the source header
// plus 行号 and 错误 columns, each rejected row as read with its offending
// cells filled in red.
func NewErrorReport(w io.Writer) ErrorWriter {
	return &errorReport{x: xlsxWriter{w: w, sheet: i18n.T(i18n.ZH, "dataengine.report.sheet")}}
}

type errorReport struct {
	x        xlsxWriter
	cols     int
	badStyle int
	msgStyle int
	cells    []any
}

func (e *errorReport) WriteHeader(header []string) error {
	if err := e.x.start(); err != nil {
		return err
	}
	e.cols = len(header)
	f := e.x.f
	e.badStyle, _ = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}, Font: &excelize.Font{Color: "9C0006"}})
	e.msgStyle, _ = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	cells := make([]any, 0, len(header)+2)
	for _, h := range header {
		cells = append(cells, excelize.Cell{Value: h, StyleID: head})
	}
	cells = append(cells, excelize.Cell{Value: i18n.T(i18n.ZH, "dataengine.report.line"), StyleID: head},
		excelize.Cell{Value: i18n.T(i18n.ZH, "dataengine.report.errors"), StyleID: head})
	sw := e.x.sw
	sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	for i := range header {
		sw.SetColWidth(i+1, i+1, 14)
	}
	sw.SetColWidth(len(header)+1, len(header)+1, 8)
	sw.SetColWidth(len(header)+2, len(header)+2, 60)
	e.x.row = 1
	return sw.SetRow("A1", cells)
}

func (e *errorReport) WriteRow(r RejectedRow) error {
	e.x.row++
	if e.x.row > xlsxMaxRows {
		return invalidField("file", "dataengine.file.xlsx_full", xlsxMaxRows-1)
	}
	e.cells = e.cells[:0]
	n := max(e.cols, len(r.Cells))
	for i := 0; i < n; i++ {
		v := ""
		if i < len(r.Cells) {
			v = r.Cells[i]
		}
		if i >= e.cols {
			break
		}
		c := excelize.Cell{Value: v}
		for _, b := range r.Bad {
			if b == i {
				c.StyleID = e.badStyle
			}
		}
		e.cells = append(e.cells, c)
	}
	e.cells = append(e.cells, excelize.Cell{Value: r.Line}, excelize.Cell{Value: r.Message, StyleID: e.msgStyle})
	return e.x.sw.SetRow("A"+strconv.Itoa(e.x.row), e.cells)
}

func (e *errorReport) Close() error {
	if e.x.f == nil {
		return nil
	}
	return e.x.Close()
}
