package engine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchSpec has 12 fields and 10 rules: required ×2, pattern, unique,
// allowed values, a lookup, a composite unique key, a decimal type check
// and two cross-field expressions (besides the date and integer types).
var benchSpec = Spec{Object: "bench", Label: "基准", Fields: []Field{
	{Code: "code", Label: "编码", Required: true, Unique: true, Pattern: `C\d{7}`, Cleanse: Cleanse{Trim: true, Case: "upper"}},
	{Code: "name", Label: "名称", Required: true, MaxLength: 40, Cleanse: Cleanse{Trim: true}},
	{Code: "region", Label: "区域", Type: TypeCode, Lookup: &Lookup{List: "regions"}},
	{Code: "status", Label: "状态", Type: TypeCode, Allowed: []string{"A", "B", "C"}, Default: "A"},
	{Code: "amount", Label: "金额", Type: TypeDecimal, Scale: 2, Sum: true},
	{Code: "qty", Label: "数量", Type: TypeInt},
	{Code: "start", Label: "开始", Type: TypeDate},
	{Code: "end", Label: "结束", Type: TypeDate},
	{Code: "warehouse", Label: "仓库"},
	{Code: "material", Label: "物料"},
	{Code: "batch", Label: "批次"},
	{Code: "note", Label: "备注", Cleanse: Cleanse{Trim: true}},
}, Keys: []Key{{Name: "stock", Fields: []string{"warehouse", "material", "batch"}}},
	Rules: []Rule{
		{Name: "dates", Expr: "end >= start", Message: "结束早于开始"},
		{Name: "amount", Expr: "amount >= 0", Message: "金额为负"},
	}}

var benchRegions = []string{"华东", "华南", "华北", "华中", "西南", "西北", "东北", "SH", "BJ", "GZ"}

// writeBenchCSV writes n rows: mostly clean, some needing fixes (dates,
// grouping, spaces) and about 2 % with errors.
func writeBenchCSV(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("编码,名称,区域,状态,金额,数量,开始,结束,仓库,物料,批次,备注\n")
	var b []byte
	for i := range n {
		b = b[:0]
		b = append(b, 'C')
		b = append(b, fmt.Sprintf("%07d", i)...)
		b = append(b, ",客户公司"...)
		b = strconv.AppendInt(b, int64(i%9973), 10)
		b = append(b, ',')
		b = append(b, benchRegions[i%len(benchRegions)]...)
		b = append(b, ',')
		b = append(b, "ABC"[i%3])
		b = append(b, ',')
		switch {
		case i%10 == 0:
			b = append(b, "\"1,234.50\""...)
		case i%50 == 1:
			b = append(b, "-5.00"...)
		default:
			b = strconv.AppendInt(b, int64(i%100000), 10)
			b = append(b, ".25"...)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(i%500), 10)
		if i%7 == 0 {
			b = append(b, ",2024/1/5,2024/12/31,W"...)
		} else {
			b = append(b, ",2024-01-05,2024-12-31,W"...)
		}
		b = strconv.AppendInt(b, int64(i%20), 10)
		b = append(b, ",M"...)
		b = strconv.AppendInt(b, int64(i%50000), 10)
		b = append(b, ",B"...)
		b = strconv.AppendInt(b, int64(i), 10)
		if i%13 == 0 {
			b = append(b, ",  备注  文字 \n"...)
		} else {
			b = append(b, ",\n"...)
		}
		bw.Write(b)
	}
	return bw.Flush()
}

func benchFile(b testing.TB, n int) string {
	p := filepath.Join(b.TempDir(), "bench.csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := writeBenchCSV(f, n); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return p
}

func benchEnv() Env {
	return Env{LookupSets: map[string]*KeySet{"regions": NewKeySet(benchRegions...)}}
}

const benchRows = 1_000_000

// cpuSeconds is the process's user+system CPU time: on a shared machine
// wall time measures the neighbours, CPU time measures the engine.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func maxRSSMB() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // Linux: KiB
}

// BenchmarkCSVParse is the baseline: the same reader, rows only.
func BenchmarkCSVParse(b *testing.B) {
	p := benchFile(b, benchRows)
	b.ResetTimer()
	start, cpu := time.Now(), cpuSeconds()
	for range b.N {
		rd, err := OpenFile(p, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, _, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		rd.Close()
		if n != benchRows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(float64(benchRows*b.N)/(cpuSeconds()-cpu), "rows/cpu-s")
	b.ReportMetric(maxRSSMB(), "peak-RSS-MB")
}

// BenchmarkCSVRun cleanses and validates with no output files.
func BenchmarkCSVRun(b *testing.B) { benchRun(b, false) }

// BenchmarkCSVRunCleanedCSV also writes the cleaned CSV and the error report.
func BenchmarkCSVRunCleanedCSV(b *testing.B) { benchRun(b, true) }

func benchRun(b *testing.B, sinks bool) {
	p := benchFile(b, benchRows)
	prog, err := Compile(benchSpec)
	if err != nil {
		b.Fatal(err)
	}
	rd, _ := OpenFile(p, Limits{})
	m := AutoMap(rd.Header(), benchSpec)
	rd.Close()
	b.ResetTimer()
	start, cpu := time.Now(), cpuSeconds()
	var res *Result
	for range b.N {
		var s Sinks
		if sinks {
			s.Cleaned = []RowWriter{NewCSVWriter(io.Discard)}
			s.Errors = NewErrorReport(io.Discard)
		}
		res, err = Run(context.Background(), prog, FileOpener(p, Limits{}), m, benchEnv(), s)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(float64(benchRows*b.N)/(cpuSeconds()-cpu), "rows/cpu-s")
	b.ReportMetric(maxRSSMB(), "peak-RSS-MB")
	b.ReportMetric(float64(res.Rejected), "rejected")
}

// BenchmarkXLSXRun reads, cleanses and validates 100,000 rows × 10
// columns of an .xlsx.
func BenchmarkXLSXRun(b *testing.B) {
	spec := benchSpec
	spec.Fields = spec.Fields[:10]
	spec.Keys = nil
	prog, err := Compile(spec)
	if err != nil {
		b.Fatal(err)
	}
	p := benchXLSX(b, 100_000)
	rd, err := OpenFile(p, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	m := AutoMap(rd.Header(), spec)
	rd.Close()
	b.ResetTimer()
	start, cpu := time.Now(), cpuSeconds()
	for range b.N {
		res, err := Run(context.Background(), prog, FileOpener(p, Limits{}), m, benchEnv(), Sinks{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Read != 100_000 {
			b.Fatalf("read %d", res.Read)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/run")
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/run")
	b.ReportMetric(maxRSSMB(), "peak-RSS-MB")
}

// BenchmarkXLSXParse is the plain row iteration of the same file.
func BenchmarkXLSXParse(b *testing.B) {
	p := benchXLSX(b, 100_000)
	b.ResetTimer()
	start, cpu := time.Now(), cpuSeconds()
	for range b.N {
		rd, err := OpenFile(p, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, _, err := rd.Next(); err != nil {
				break
			}
		}
		rd.Close()
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/run")
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/run")
}

// benchXLSX converts the benchmark CSV (first 10 columns) into an .xlsx
// through the engine's own stream writer.
func benchXLSX(b testing.TB, n int) string {
	csvPath := benchFile(b, n)
	rd, err := OpenFile(csvPath, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	p := filepath.Join(b.TempDir(), "bench.xlsx")
	f, _ := os.Create(p)
	defer f.Close()
	w := NewXLSXWriter(f, "Sheet1")
	w.WriteHeader(rd.Header()[:10])
	for {
		row, _, err := rd.Next()
		if err != nil {
			break
		}
		w.WriteRow(row[:10])
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

// peakHeap runs spec over n generated rows and returns the largest live
// memory seen: the heap after a GC plus the key sets kept off the heap
// (sampled ten times during the run).
func peakHeap(t testing.TB, spec Spec, n int) int64 {
	p := benchFile(t, n)
	prog, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	rd, _ := OpenFile(p, Limits{})
	m := AutoMap(rd.Header(), spec)
	rd.Close()
	var peak int64
	env := benchEnv()
	env.ProgressEvery = n / 10
	env.Progress = func(int64) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, int64(ms.HeapAlloc)+offHeapBytes.Load())
	}
	if _, err := Run(context.Background(), prog, FileOpener(p, Limits{}), m, env, Sinks{Cleaned: []RowWriter{NewCSVWriter(io.Discard)}}); err != nil {
		t.Fatal(err)
	}
	return peak
}

// noKeys is benchSpec without anything that keeps a key set.
func noKeys() Spec {
	s := benchSpec
	s.Fields = append([]Field(nil), s.Fields...)
	s.Fields[0].Unique = false
	s.Keys = nil
	return s
}

// TestMemoryDoesNotGrowWithRows: without key sets, ten times the rows
// needs no more heap; with them, the growth is the key sets' ~16 bytes
// per key and row, not the rows.
func TestMemoryDoesNotGrowWithRows(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 220,000 rows")
	}
	small, large := peakHeap(t, noKeys(), 20_000), peakHeap(t, noKeys(), 200_000)
	if large > small+2<<20 {
		t.Errorf("without key sets the heap grew from %d to %d bytes for 10× the rows", small, large)
	}
	small, large = peakHeap(t, benchSpec, 20_000), peakHeap(t, benchSpec, 200_000)
	// Two key sets (unique code, composite key) of 180,000 more keys: a
	// 12-byte slot at a load between 3/8 and 3/4 is at most 32 bytes a key.
	if grew := large - small; grew > 2*180_000*32+2<<20 {
		t.Errorf("memory grew %d bytes, %.1f per key", grew, float64(grew)/(2*180_000))
	}
}

// BenchmarkMemory reports the peak live heap for 100k and 1M rows, with
// and without key sets.
func BenchmarkMemory(b *testing.B) {
	for range b.N {
		b.ReportMetric(float64(peakHeap(b, noKeys(), 100_000))/(1<<20), "MB-heap-100k-nokeys")
		b.ReportMetric(float64(peakHeap(b, noKeys(), 1_000_000))/(1<<20), "MB-heap-1M-nokeys")
		b.ReportMetric(float64(peakHeap(b, benchSpec, 100_000))/(1<<20), "MB-heap-100k-keys")
		b.ReportMetric(float64(peakHeap(b, benchSpec, 1_000_000))/(1<<20), "MB-heap-1M-keys")
	}
}

// BenchmarkXLSXExcelizeRows is the reference the issue names: excelize's
// row iterator with raw values over the same file.
func BenchmarkXLSXExcelizeRows(b *testing.B) {
	p := benchXLSX(b, 100_000)
	b.ResetTimer()
	start, cpu := time.Now(), cpuSeconds()
	for range b.N {
		f, err := excelize.OpenFile(p, excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		rows, _ := f.Rows("Sheet1")
		for rows.Next() {
			rows.Columns()
		}
		rows.Close()
		f.Close()
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/run")
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/run")
}
