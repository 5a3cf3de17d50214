package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golive/internal/apperr"
	"golive/internal/datamigration/engine"
	"golive/internal/i18n"
)

// exitError carries the process exit status of a command that wants one
// other than 1: `data validate` answers 1 for rejected rows and 2 for a
// usage, spec or file problem, so scripts can tell the two apart.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// exitCode is the status main exits with for err.
func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

const dataUsage = `usage: golive data validate --spec SPEC.json [--map MAP.json] [--out DIR]
                           [--lookup NAME=FILE]... [--codemap NAME=FILE]... [--lang zh-CN|en] [--json] FILE

Cleanses and validates FILE (.xlsx, or .csv in UTF-8, UTF-8 with BOM or GBK)
with the specification and column mapping exported from golive, and writes
into DIR the error report (NAME.errors.xlsx) and the cleaned rows
(NAME.cleaned.csv, NAME.cleaned.xlsx). Without --map, columns are matched to
fields by label or code.

  --lookup NAME=FILE   values for the lookup set NAME (a code list, or
                       OBJECT.FIELD such as material.material_code): the
                       column named like the field, else the first column
  --codemap NAME=FILE  a code-mapping table: first column old code, second new
  --json               print the full result as JSON instead of the summary

Exit status: 0 every row accepted, 1 rows rejected, 2 usage, spec or file error.`

// dataCommand runs `golive data …`.
func dataCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "validate" {
		fmt.Fprintln(stderr, dataUsage)
		return &exitError{2, "data: the only subcommand is validate"}
	}
	return dataValidate(ctx, args[1:], stdout, stderr)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func dataValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("data validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, dataUsage) }
	specPath := fs.String("spec", "", "specification JSON")
	mapPath := fs.String("map", "", "column mapping JSON")
	outDir := fs.String("out", ".", "directory for the error report and cleaned files")
	langFlag := fs.String("lang", "zh-CN", "language of messages: zh-CN or en")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var lookups, codemaps multiFlag
	fs.Var(&lookups, "lookup", "NAME=FILE values of a lookup set (repeatable)")
	fs.Var(&codemaps, "codemap", "NAME=FILE code-mapping table (repeatable)")
	// Flags may follow the file name: consultants type them in any order.
	var files []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return &exitError{2, err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	lang := i18n.Parse(*langFlag)
	usage := func(key string, a ...any) error {
		fmt.Fprintln(stderr, dataUsage)
		return &exitError{2, i18n.T(lang, key, a...)}
	}
	if *specPath == "" || len(files) != 1 {
		return usage("dataengine.cli.usage")
	}
	bad := func(err error) error { return &exitError{2, dataMessage(lang, err)} }

	var spec engine.Spec
	if err := readJSON(*specPath, &spec); err != nil {
		return bad(fmt.Errorf("%s: %w", *specPath, err))
	}
	prog, err := engine.Compile(spec)
	if err != nil {
		return bad(err)
	}
	file := files[0]
	lim := engine.DefaultLimits()
	open := engine.FileOpener(file, lim)
	rd, err := open()
	if err != nil {
		return bad(err)
	}
	header, info := rd.Header(), rd.Info()
	rd.Close()
	var m engine.Mapping
	if *mapPath != "" {
		if err := readJSON(*mapPath, &m); err != nil {
			return bad(fmt.Errorf("%s: %w", *mapPath, err))
		}
	} else {
		m = engine.AutoMap(header, spec)
	}
	env := engine.Env{CodeMaps: map[string]map[string]string{}, LookupSets: map[string]*engine.KeySet{}}
	for _, l := range lookups {
		name, path, ok := strings.Cut(l, "=")
		if !ok || name == "" || path == "" {
			return usage("dataengine.cli.bad_pair", "--lookup", l)
		}
		set, err := loadLookup(name, path, lim)
		if err != nil {
			return bad(fmt.Errorf("%s: %w", path, err))
		}
		env.LookupSets[name] = set
	}
	for _, c := range codemaps {
		name, path, ok := strings.Cut(c, "=")
		if !ok || name == "" || path == "" {
			return usage("dataengine.cli.bad_pair", "--codemap", c)
		}
		cm, err := loadCodeMap(path, lim)
		if err != nil {
			return bad(fmt.Errorf("%s: %w", path, err))
		}
		env.CodeMaps[name] = cm
	}
	for _, name := range prog.CodeMaps() {
		if env.CodeMaps[name] == nil {
			return usage("dataengine.cli.missing_codemap", name)
		}
	}

	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return bad(err)
	}
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	paths := map[string]string{
		"errors": filepath.Join(*outDir, base+".errors.xlsx"),
		"csv":    filepath.Join(*outDir, base+".cleaned.csv"),
		"xlsx":   filepath.Join(*outDir, base+".cleaned.xlsx"),
	}
	var opened []*os.File
	create := func(p string) (*os.File, error) {
		f, err := os.Create(p)
		if err == nil {
			opened = append(opened, f)
		}
		return f, err
	}
	defer func() {
		for _, f := range opened {
			f.Close()
		}
	}()
	ef, err := create(paths["errors"])
	if err != nil {
		return bad(err)
	}
	cf, err := create(paths["csv"])
	if err != nil {
		return bad(err)
	}
	xf, err := create(paths["xlsx"])
	if err != nil {
		return bad(err)
	}
	res, err := engine.Run(ctx, prog, open, m, env, engine.Sinks{
		Cleaned: []engine.RowWriter{engine.NewCSVWriter(cf), engine.NewXLSXWriter(xf, spec.Label)},
		Errors:  engine.NewErrorReport(ef),
	})
	if err != nil {
		for _, p := range paths {
			os.Remove(p)
		}
		return bad(err)
	}
	for _, f := range opened {
		if err := f.Close(); err != nil {
			return bad(err)
		}
	}
	opened = nil
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		printSummary(stdout, lang, file, info, res, paths)
	}
	if res.Rejected > 0 {
		return &exitError{1, i18n.T(lang, "dataengine.cli.rejected", res.Rejected, paths["errors"])}
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// dataMessage words an engine error in lang.
func dataMessage(lang i18n.Lang, err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		return i18n.T(lang, ae.Key, ae.Args...)
	}
	return err.Error()
}

// loadLookup reads a lookup set: the column named like the field of
// OBJECT.FIELD (or like NAME), else the first column.
func loadLookup(name, path string, lim engine.Limits) (*engine.KeySet, error) {
	rd, err := engine.OpenFile(path, lim)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	want := name
	if _, f, ok := strings.Cut(name, "."); ok {
		want = f
	}
	header := rd.Header()
	set := engine.NewKeySet()
	col := slices.Index(header, want)
	if col < 0 {
		// No header naming the field: the first line is a value too.
		col = 0
		set.Add(strings.TrimSpace(header[0]))
	}
	for {
		row, _, err := rd.Next()
		if err == io.EOF {
			return set, nil
		}
		if err != nil {
			return nil, err
		}
		if col < len(row) {
			if v := strings.TrimSpace(row[col]); v != "" {
				set.Add(v)
			}
		}
	}
}

// loadCodeMap reads old code → new code from the first two columns; the
// first row is a header.
func loadCodeMap(path string, lim engine.Limits) (map[string]string, error) {
	rd, err := engine.OpenFile(path, lim)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	m := map[string]string{}
	for {
		row, _, err := rd.Next()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		if len(row) >= 2 && strings.TrimSpace(row[0]) != "" {
			m[strings.TrimSpace(row[0])] = strings.TrimSpace(row[1])
		}
	}
}

func printSummary(w io.Writer, lang i18n.Lang, file string, info engine.ReaderInfo, res *engine.Result, paths map[string]string) {
	t := func(key string, a ...any) string { return i18n.T(lang, key, a...) }
	enc := info.Encoding
	if enc == "" {
		enc = info.Sheet
	}
	fmt.Fprintln(w, t("dataengine.cli.file", file, info.Format, enc))
	fmt.Fprintln(w, t("dataengine.cli.totals", res.Read, res.Clean, res.Fixed, res.Rejected, res.Duplicates, res.Score))
	if len(res.Fixes) > 0 {
		var parts []string
		for _, k := range engine.FixKinds {
			if n := res.Fixes[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", t("dataengine.fix."+string(k)), n))
			}
		}
		fmt.Fprintln(w, t("dataengine.cli.fixes", strings.Join(parts, t("dataengine.cli.sep"))))
	}
	if len(res.ByRule) > 0 {
		fmt.Fprintln(w, t("dataengine.cli.by_rule"))
		ids := make([]string, 0, len(res.ByRule))
		for id := range res.ByRule {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b string) int {
			if res.ByRule[a] != res.ByRule[b] {
				return int(res.ByRule[b] - res.ByRule[a])
			}
			return strings.Compare(a, b)
		})
		for _, id := range ids {
			first := ""
			if s := res.Samples[id]; len(s) > 0 {
				first = t("dataengine.cli.first", s[0].Line, s[0].Msg(lang))
			}
			fmt.Fprintf(w, "  %-28s %8d  %s\n", id, res.ByRule[id], first)
		}
	}
	for name, v := range res.Sums {
		fmt.Fprintln(w, t("dataengine.cli.sum", name, v))
	}
	if len(res.Ignored) > 0 {
		fmt.Fprintln(w, t("dataengine.cli.ignored", strings.Join(res.Ignored, t("dataengine.cli.sep"))))
	}
	if len(res.SkippedLookups) > 0 {
		fmt.Fprintln(w, t("dataengine.cli.skipped", strings.Join(res.SkippedLookups, t("dataengine.cli.sep"))))
	}
	fmt.Fprintln(w, t("dataengine.cli.outputs", paths["errors"], paths["csv"], paths["xlsx"]))
}
