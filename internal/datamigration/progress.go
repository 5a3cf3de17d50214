package datamigration

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// A workbook is read into memory when it is opened, so the bytes read say
// nothing about progress; the rows do. xlsxRowEstimate guesses a sheet's
// data rows from its <dimension> element, or failing that from the size of
// the rows in its first 64 KiB; 0 means no guess.
func xlsxRowEstimate(path string) int64 {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0
	}
	defer zr.Close()
	var sheet *zip.File
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/sheet") && strings.HasSuffix(f.Name, ".xml") && (sheet == nil || f.Name < sheet.Name) {
			sheet = f
		}
	}
	if sheet == nil {
		return 0
	}
	rc, err := sheet.Open()
	if err != nil {
		return 0
	}
	defer rc.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(rc, head)
	head = head[:n]
	if m := dimensionRe.FindSubmatch(head); m != nil {
		if rows, err := strconv.ParseInt(string(m[1]), 10, 64); err == nil && rows > 1 {
			return rows - 1
		}
	}
	rowsSeen := int64(bytes.Count(head, []byte("<row")))
	if rowsSeen < 2 || n == 0 {
		return 0
	}
	return int64(sheet.UncompressedSize64) * rowsSeen / int64(n)
}

var dimensionRe = regexp.MustCompile(`<dimension ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"`)
