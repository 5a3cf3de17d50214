package datamigration

import (
	"encoding/json"

	"golive/internal/datamigration/engine"
	"regexp"
	"strconv"
	"strings"

	"golive/internal/apperr"
	"golive/internal/validate"
)

// Object is a migration object of a project: what is migrated (物料主数据),
// with its field specification and the column mapping remembered from the
// last run.
type Object struct {
	ID         int64           `json:"id"`
	ProjectID  int64           `json:"project_id"`
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	LibraryKey string          `json:"library_key,omitempty"`
	Spec       json.RawMessage `json:"spec"`
	Mapping    engine.Mapping  `json:"mapping"` // file columns → fields, remembered from the last run
	CreatedMS  int64           `json:"created_ms"`
	UpdatedMS  int64           `json:"updated_ms"`
	DeletedMS  *int64          `json:"deleted_ms,omitempty"`
	Version    int64           `json:"version"`
	// Latest is the object's most recent run (lists only).
	Latest *RunSummary `json:"latest_run,omitempty"`
}

// RunSummary is the part of a run a list shows.
type RunSummary struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Read     int64  `json:"rows_read"`
	Rejected int64  `json:"rows_rejected"`
	Quality  int64  `json:"quality_permille"`
	At       int64  `json:"created_ms"`
}

// ObjectInput creates an object: blank, or copied from the standard
// library (LibraryKey).
type ObjectInput struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	LibraryKey string `json:"library_key,omitempty"`
}

var codeRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,39}$`)

// Validate checks the input.
func (in *ObjectInput) Validate() error {
	var f apperr.Fields
	in.Code = strings.TrimSpace(in.Code)
	in.LibraryKey = strings.TrimSpace(in.LibraryKey)
	if in.LibraryKey == "" || in.Code != "" {
		if in.Code == "" {
			f.Add("code", "validate.required")
		} else if !codeRe.MatchString(in.Code) {
			f.Add("code", "dm.err_code")
		}
	}
	if in.LibraryKey == "" || in.Name != "" {
		validate.Line(&f, "name", &in.Name, 1, 60)
	}
	return f.Err()
}

// SpecInput replaces an object's name and specification; Version is the
// version the editor read.
type SpecInput struct {
	Name    string          `json:"name"`
	Spec    json.RawMessage `json:"spec"`
	Version int64           `json:"version"`
}

// Validate checks the parts that are not the engine's business.
func (in *SpecInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 60)
	if len(in.Spec) == 0 {
		f.Add("spec", "validate.required")
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// QualityText shows a quality score (per mille) as "97.5%".
func (r RunSummary) QualityText() string { return permille(r.Quality) }

func permille(q int64) string {
	return strconv.FormatInt(q/10, 10) + "." + strconv.FormatInt(q%10, 10) + "%"
}
