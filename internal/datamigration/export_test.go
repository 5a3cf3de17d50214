package datamigration

import (
	"context"
	"io"
)

// ParseReconXLSXForTest exposes the report parser with sum fields given
// as code → label.
func ParseReconXLSXForTest(data []byte, fields map[string]string) (ReconInput, error) {
	var fs []sumField
	for c, l := range fields {
		fs = append(fs, sumField{Code: c, Label: l})
	}
	return ParseReconXLSX(data, fs)
}

func CopyFileForTest(s *Service, ctx context.Context, runID int64, kind string, w io.Writer) (bool, error) {
	return s.copyFile(ctx, runID, kind, w)
}

func HasFileForTest(s *Service, ctx context.Context, runID int64, kind string) bool {
	return s.hasFile(ctx, runID, kind)
}

func SetUnzipLimitForTest(s *Service, n int64) { s.maxUnzipped = n }
