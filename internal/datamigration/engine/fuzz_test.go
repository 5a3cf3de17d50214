package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"golive/internal/apperr"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/ and run as normal tests.

func FuzzNormalizeDate(f *testing.F) {
	for _, s := range []string{"2024/1/5", "2024年1月5日", "20240105", "45296", "2024-02-29", "２０２４．１．５", "2024-01-05T10:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iso, ok := NormalizeDate(s)
		if !ok {
			return
		}
		if !isISODate(iso) {
			t.Fatalf("%q → %q is not an ISO date", s, iso)
		}
		if again, ok := NormalizeDate(iso); !ok || again != iso {
			t.Fatalf("not idempotent: %q → %q → %q", s, iso, again)
		}
	})
}

func FuzzNormalizeNumber(f *testing.F) {
	for _, s := range []string{"1,234.50", "￥1,234", "1.2万", "(1,234.00)", "１２３", "1.5E+03", "-0.0", "3亿元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		num, ok := NormalizeNumber(s)
		if !ok {
			return
		}
		again, ok := NormalizeNumber(num)
		if !ok || again != num {
			t.Fatalf("not idempotent: %q → %q → %q", s, num, again)
		}
		for _, scale := range []int{0, 2, 6} {
			if v, ok := normalizeTyped(TypeDecimal, scale, s); ok {
				if w, ok := normalizeTyped(TypeDecimal, scale, v); !ok || w != v {
					t.Fatalf("decimal(%d) not idempotent: %q → %q → %q", scale, s, v, w)
				}
			}
		}
	})
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"  a  b ", "ＡＢＣ　１", "a\u00a0b", "\xef\xbc", "中文"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := HalfWidth(s)
		if HalfWidth(h) != h {
			t.Fatalf("HalfWidth not idempotent on %q", s)
		}
		if utf8.ValidString(s) && !utf8.ValidString(h) {
			t.Fatalf("HalfWidth broke UTF-8: %q → %q", s, h)
		}
		c := CollapseSpaces(s)
		if CollapseSpaces(c) != c || strings.HasPrefix(c, " ") || strings.HasSuffix(c, " ") || strings.Contains(c, "  ") {
			t.Fatalf("CollapseSpaces(%q) = %q", s, c)
		}
		if u, _ := caseASCII(s, true); len(u) != len(s) {
			t.Fatalf("caseASCII changed the length of %q", s)
		}
	})
}

// checkInputErr: outside input fails only with an invalid *apperr.Error.
func checkInputErr(t *testing.T, err error) {
	t.Helper()
	var ae *apperr.Error
	if err != nil && err != io.EOF && (!errors.As(err, &ae) || ae.Code != apperr.Invalid) {
		t.Fatalf("unexpected error %T %v", err, err)
	}
}

func FuzzOpenCSV(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte("\xef\xbb\xbf客户编码;名称\r\n\"C1\";\"x\"\"y\"\r\n"))
	f.Add([]byte("\xbf\xcd\xbb\xa7,\xc3\xfb\n1,2\n")) // GBK
	f.Add([]byte("a\tb\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := OpenCSV(bytes.NewReader(data), Limits{MaxRows: 1000, MaxColumns: 50})
		checkInputErr(t, err)
		if err != nil {
			return
		}
		for range 2000 {
			_, _, err := rd.Next()
			checkInputErr(t, err)
			if err != nil {
				return
			}
		}
		t.Fatal("more rows than the limit")
	})
}

func FuzzOpenXLSX(f *testing.F) {
	f.Add(xlsxBytes(f, [][]any{{"编码", "金额"}, {"A1", 12.5}, {"A2", "x"}}))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Limits{MaxRows: 1000, MaxColumns: 50, MaxUnzipped: 8 << 20})
		checkInputErr(t, err)
		if err != nil {
			return
		}
		defer rd.Close()
		for range 2000 {
			_, _, err := rd.Next()
			checkInputErr(t, err)
			if err != nil {
				return
			}
		}
	})
}

// FuzzRun runs the customer spec over arbitrary CSV: no panic, the totals
// add up, and every rejected row is explained.
func FuzzRun(f *testing.F) {
	f.Add("客户编码,客户名称,客户类型,信用额度,开始日期,结束日期,启用,区域\nC0001,甲,A,\"1,000\",2024/1/5,2023-01-01,是,SH\nc0001,,Z,x,,,,\n")
	f.Add("客户编码,客户名称\n C0002 ,乙\n")
	prog, err := Compile(customerSpec)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rd, err := OpenCSV(strings.NewReader(text), Limits{MaxRows: 500})
		if err != nil {
			return
		}
		m := AutoMap(rd.Header(), customerSpec)
		var rep bytes.Buffer
		res, err := Run(context.Background(), prog, csvOpener(text), m,
			Env{LookupSets: map[string]*KeySet{"regions": NewKeySet("SH")}, CodeMaps: map[string]map[string]string{"cust_type": {"old": "A"}}},
			Sinks{Cleaned: []RowWriter{NewCSVWriter(io.Discard)}, Errors: NewErrorReport(&rep)})
		checkInputErr(t, err)
		if err != nil {
			return
		}
		if res.Clean+res.Fixed+res.Rejected+res.Duplicates != res.Read {
			t.Fatalf("totals %+v", res)
		}
		var failed int64
		for _, n := range res.ByRule {
			failed += n
		}
		if res.Rejected > 0 && failed < res.Rejected {
			t.Fatalf("%d rejected rows but %d failed checks", res.Rejected, failed)
		}
	})
}
