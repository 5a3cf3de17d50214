package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestLibraryCompilesAndTemplatesRoundTrip(t *testing.T) {
	lib := Library()
	if len(lib) != 6 {
		t.Fatalf("library has %d objects", len(lib))
	}
	labels := map[string]bool{}
	for _, spec := range lib {
		labels[spec.Label] = true
		t.Run(spec.Object, func(t *testing.T) {
			prog, err := Compile(spec)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			var x bytes.Buffer
			if err := WriteTemplateXLSX(&x, spec); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(x.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheets := f.GetSheetList()
			if len(sheets) != 4 || sheets[0] != "数据" || sheets[1] != "填写说明" || sheets[2] != "示例" {
				t.Fatalf("sheets %v", sheets)
			}
			head, _ := f.GetRows("数据")
			if len(head) != 1 || len(head[0]) != len(spec.Fields) {
				t.Fatalf("data sheet %v", head)
			}
			for i, fd := range spec.Fields {
				if !strings.Contains(head[0][i], fd.Label) || !strings.Contains(head[0][i], fd.Code) || strings.HasPrefix(head[0][i], "*") != fd.Required {
					t.Errorf("header %q for %s", head[0][i], fd.Code)
				}
			}
			// Drop-downs for coded and boolean fields, pointing at the list sheet.
			dvs, _ := f.GetDataValidations("数据")
			drops := 0
			for _, dv := range dvs {
				if dv.Type == "list" {
					drops++
					if !strings.Contains(dv.Formula1, "lists") {
						t.Errorf("drop-down formula %q", dv.Formula1)
					}
				}
			}
			want := 0
			for _, fd := range spec.Fields {
				if len(fd.Allowed) > 0 || fd.Type == TypeBool {
					want++
				}
			}
			if drops != want {
				t.Errorf("%d drop-downs, want %d", drops, want)
			}
			notes, _ := f.GetRows("填写说明")
			all := ""
			for _, r := range notes {
				all += strings.Join(r, "|") + "\n"
			}
			if strings.Contains(all, "dataengine.") {
				t.Errorf("untranslated key in notes:\n%s", all)
			}
			for _, r := range spec.Rules {
				if !strings.Contains(all, r.Expr) || !strings.Contains(all, r.Message) {
					t.Errorf("notes miss rule %s", r.Name)
				}
			}
			// The sample row passes the spec's own checks, read back
			// through the reader with an automatic mapping (lookups of
			// other objects are given the sample values).
			sample, _ := f.GetRows("示例")
			var csvb bytes.Buffer
			for _, r := range sample {
				csvb.WriteString(strings.Join(r, ",") + "\n")
			}
			env := Env{LookupSets: map[string]*KeySet{}}
			for _, fd := range spec.Fields {
				if fd.Lookup != nil {
					if env.LookupSets[fd.Lookup.SetName()] == nil {
						env.LookupSets[fd.Lookup.SetName()] = NewKeySet()
					}
					env.LookupSets[fd.Lookup.SetName()].Add(sampleValue(fd))
				}
			}
			m := AutoMap(sample[0], spec)
			res, err := Run(context.Background(), prog, csvOpener(csvb.String()), m, env, Sinks{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rejected != 0 {
				t.Errorf("the sample row is rejected: %v %v", res.ByRule, res.Samples)
			}
			var c bytes.Buffer
			if err := WriteTemplateCSV(&c, spec); err != nil {
				t.Fatal(err)
			}
			rd, err := OpenCSV(&c, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if h := m.Check(rd.Header(), prog); !h.OK() || len(h.Unexpected) > 0 {
				t.Errorf("CSV template header check %+v", h)
			}
		})
	}
	for _, l := range []string{"客户主数据", "物料主数据", "供应商", "BOM", "期初库存", "期初余额"} {
		if !labels[l] {
			t.Errorf("library misses %s", l)
		}
	}
	if s, ok := LibrarySpec("material"); !ok || s.Label != "物料主数据" {
		t.Error("LibrarySpec")
	}
	// Copies are independent.
	a, _ := LibrarySpec("material")
	a.Fields[0].Label = "changed"
	if b, _ := LibrarySpec("material"); b.Fields[0].Label == "changed" {
		t.Error("library specs share memory")
	}
}

func TestWriteTemplateRefusesBadSpec(t *testing.T) {
	if err := WriteTemplateXLSX(&bytes.Buffer{}, Spec{}); err == nil {
		t.Error("empty spec accepted")
	}
}
