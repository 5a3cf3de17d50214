package i18n_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/apperr"
	"golive/internal/auth"
	"golive/internal/config"
	"golive/internal/db"
	"golive/internal/i18n"
	"golive/internal/project"
	"golive/internal/web"
)

// repoRoot is the module root, seen from this package's directory.
const repoRoot = "../.."

func TestCatalogsHaveTheSameKeysAndNoEmptyValues(t *testing.T) {
	zh, en := i18n.Catalog(i18n.ZH), i18n.Catalog(i18n.EN)
	if len(zh) == 0 || len(en) == 0 {
		t.Fatal("a catalog is empty")
	}
	for _, l := range i18n.Langs {
		other := i18n.Catalog(l)
		for k := range zh {
			if _, ok := other[k]; !ok {
				t.Errorf("%s lacks %q", l, k)
			}
		}
		for k, v := range other {
			if _, ok := zh[k]; !ok {
				t.Errorf("%s has %q, zh-CN does not", l, k)
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", l, k)
			}
		}
	}
	// The Chinese catalog is Chinese: a value that is the same as the
	// English one and has no Han character is probably untranslated.
	// Product names and technical words are allowed to be the same.
	for k, v := range zh {
		if en[k] == v && !hasHan(v) && !strings.HasPrefix(k, "product.") && v != "ID" {
			t.Logf("note: %q is the same in both catalogs: %q", k, v)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestCatalogFilesHaveNoDuplicateKeys(t *testing.T) {
	for _, l := range i18n.Langs {
		files, err := filepath.Glob(filepath.Join("locales", string(l), "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no catalog files", l)
		}
		var keys [][]string
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// encoding/json keeps the last duplicate silently; count keys by hand.
			keys = append(keys, regexp.MustCompile(`(?m)^\s*"([^"]+)"\s*:`).FindAllStringSubmatch(string(b), -1)...)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k[1]] {
				t.Errorf("%s: key %q appears twice", l, k[1])
			}
			seen[k[1]] = true
		}
		if len(seen) != len(i18n.Catalog(l)) {
			t.Errorf("%s: %d keys in the file, %d loaded", l, len(seen), len(i18n.Catalog(l)))
		}
	}
}

var verbRe = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*(\d+|\*)?(\.(\d+|\*))?[a-zA-Z%]`)

func verbs(s string) []string {
	var out []string
	for _, v := range verbRe.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func TestFormatVerbsAgree(t *testing.T) {
	zh, en := i18n.Catalog(i18n.ZH), i18n.Catalog(i18n.EN)
	for k, v := range zh {
		if a, b := verbs(v), verbs(en[k]); !slices.Equal(a, b) {
			t.Errorf("%q: zh-CN has %v, en has %v", k, a, b)
		}
	}
}

func TestT(t *testing.T) {
	if got := i18n.T(i18n.ZH, "validate.too_long", 100); got != "不能超过 100 个字符" {
		t.Errorf("zh: %q", got)
	}
	if got := i18n.T(i18n.EN, "validate.too_long", 100); got != "must be at most 100 characters" {
		t.Errorf("en: %q", got)
	}
	if got := i18n.T(i18n.EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
	if got := i18n.T("fr", "error.not_found"); got != i18n.T(i18n.ZH, "error.not_found") {
		t.Errorf("unknown language should fall back to Chinese: %q", got)
	}
	if !i18n.Has("error.invalid") || i18n.Has("error.nope") {
		t.Error("Has")
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]i18n.Lang{
		"zh-CN": i18n.ZH, "zh": i18n.ZH, "zh-TW": i18n.ZH, "ZH-hk": i18n.ZH, "zh-Hans-CN": i18n.ZH,
		"en": i18n.EN, " EN ": i18n.EN, "en-GB": i18n.EN,
		"": "", "fr": "", "*": "", "  ": "", "x-klingon": "", "\xff": "",
	} {
		if got := i18n.Parse(in); got != want {
			t.Errorf("Parse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	manyFrench := strings.Repeat("fr,", 21) + "en"
	cases := []struct {
		header string
		want   i18n.Lang
	}{
		{"", i18n.ZH},
		{"en", i18n.EN},
		{"en-US,en;q=0.9", i18n.EN},
		{"zh-CN,zh;q=0.9,en;q=0.8", i18n.ZH},
		{"en;q=0.8, zh-CN;q=0.9", i18n.ZH},
		{"zh-CN;q=0.5, en-US;q=0.7", i18n.EN},
		{"zh-TW", i18n.ZH},
		{"zh-Hant-HK,en;q=0.3", i18n.ZH},
		{"fr-FR, en;q=0.5", i18n.EN},
		{"fr, de", i18n.ZH},
		{"*", i18n.ZH},
		{"garbage;;;,,,;q=", i18n.ZH},
		{"en;q=abc", i18n.EN},
		{"en;q=0", i18n.ZH},
		{"en;q=0, zh;q=0", i18n.ZH},
		{"zh;q=0, en;q=0.1", i18n.EN},
		{"EN-GB", i18n.EN},
		{"zh;q=0.5, en;q=0.5", i18n.ZH},
		{"en;q=0.5, zh;q=0.5", i18n.EN},
		{manyFrench, i18n.ZH},
		{strings.Repeat("x,", 100000), i18n.ZH},
		{"\xff\xfe, en", i18n.EN},
	}
	for _, tc := range cases {
		h := tc.header
		if len(h) > 40 {
			h = h[:40] + "…"
		}
		if got := i18n.Negotiate(tc.header); got != tc.want {
			t.Errorf("Negotiate(%q) = %q, want %q", h, got, tc.want)
		}
	}
}

// templateKeyRe finds literal keys: {{.T "key"}}, {{$.T "key" …}}.
var templateKeyRe = regexp.MustCompile(`\.T\s+"([^"]+)"`)

func TestTemplateKeysExist(t *testing.T) {
	var files []string
	err := filepath.WalkDir(filepath.Join(repoRoot, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dir := filepath.Base(filepath.Dir(path))
		if !d.IsDir() && strings.HasSuffix(path, ".html") && (dir == "views" || dir == "templates") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 {
		t.Fatalf("found only %d templates: %v", len(files), files)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKeyRe.FindAllStringSubmatch(string(b), -1) {
			n++
			if !i18n.Has(m[1]) {
				t.Errorf("%s uses %q, not in the catalog", f, m[1])
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d template keys found: is the pattern still right?", n)
	}
}

// goKeys holds what the Go sources say about catalog keys.
type goKeys struct {
	keys     map[string][]string // key -> positions
	fields   map[string][]string // field names given to Fields.Add / InvalidField
	entities map[string]bool     // audit Entry.Entity values and trash kinds
	actions  map[string]bool     // audit Entry.Action values
}

var keyRe = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+$`)

func scanGo(t *testing.T) goKeys {
	t.Helper()
	prefixes := map[string]bool{}
	for k := range i18n.Catalog(i18n.ZH) {
		p, _, _ := strings.Cut(k, ".")
		prefixes[p] = true
	}
	looksLikeKey := func(s string) bool {
		if !keyRe.MatchString(s) {
			return false
		}
		for _, ext := range []string{".html", ".js", ".css", ".json", ".sql", ".xlsx", ".db", ".go"} {
			if strings.HasSuffix(s, ext) {
				return false
			}
		}
		p, _, _ := strings.Cut(s, ".")
		return prefixes[p]
	}
	g := goKeys{keys: map[string][]string{}, fields: map[string][]string{}, entities: map[string]bool{}, actions: map[string]bool{}}
	fset := token.NewFileSet()
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	files := 0
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "testdata") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				// Another engineer's file may be mid-edit; the compiler reports it.
				t.Logf("skip %s: %v", path, err)
				return nil
			}
			files++
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					case *ast.Ident:
						name = fn.Name
					case *ast.IndexExpr: // generic call
						if s, ok := fn.X.(*ast.SelectorExpr); ok {
							name = s.Sel.Name
						}
					}
					for i, a := range n.Args {
						s, ok := lit(a)
						if !ok || !looksLikeKey(s) {
							continue
						}
						g.keys[s] = append(g.keys[s], fset.Position(a.Pos()).String())
						if (name == "Add" || name == "InvalidField") && i == 1 {
							if field, ok := lit(n.Args[0]); ok {
								g.fields[field] = append(g.fields[field], fset.Position(a.Pos()).String())
							}
						}
					}
					if name == "Register" && len(n.Args) == 2 {
						if s, ok := lit(n.Args[0]); ok {
							g.entities[s] = true
						}
					}
				case *ast.KeyValueExpr:
					k, _ := n.Key.(*ast.Ident)
					s, ok := lit(n.Value)
					if k == nil || !ok {
						return true
					}
					switch k.Name {
					case "Entity":
						g.entities[s] = true
					case "Action":
						g.actions[s] = true
					default:
						if looksLikeKey(s) {
							g.keys[s] = append(g.keys[s], fset.Position(n.Pos()).String())
						}
					}
				case *ast.AssignStmt:
					// status, action := StatusActive, "unarchive"
					if len(n.Lhs) != len(n.Rhs) {
						return true
					}
					for i, l := range n.Lhs {
						id, ok := l.(*ast.Ident)
						s, isLit := lit(n.Rhs[i])
						if !ok || !isLit {
							continue
						}
						switch id.Name {
						case "action":
							g.actions[s] = true
						case "entity":
							g.entities[s] = true
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 20 || len(g.keys) < 40 || len(g.fields) < 10 || len(g.actions) < 4 || len(g.entities) < 3 {
		t.Fatalf("scan found too little (%d files, %d keys, %d fields, %d actions, %d entities): is it still looking in the right place?",
			files, len(g.keys), len(g.fields), len(g.actions), len(g.entities))
	}
	return g
}

func TestGoKeysExist(t *testing.T) {
	g := scanGo(t)
	for k, pos := range g.keys {
		if !i18n.Has(k) {
			t.Errorf("%q used at %s is not in the catalog", k, strings.Join(pos, ", "))
		}
	}
	// Every field named in a validation error has a label, so the message
	// names the field in the user's language.
	for f, pos := range g.fields {
		if !i18n.Has("field." + f) {
			t.Errorf("field %q (at %s) has no label field.%s", f, strings.Join(pos, ", "), f)
		}
	}
	for a := range g.actions {
		if !i18n.Has("audit.action." + a) {
			t.Errorf("audit action %q has no label audit.action.%s", a, a)
		}
	}
	for e := range g.entities {
		if !i18n.Has("audit.entity." + e) {
			t.Errorf("audit entity %q has no label audit.entity.%s", e, e)
		}
	}
	for _, want := range []string{"create", "update", "delete", "restore", "archive", "unarchive"} {
		if !g.actions[want] {
			t.Errorf("the scan missed audit action %q", want)
		}
	}
}

func TestDynamicKeysExist(t *testing.T) {
	var keys []string
	for _, r := range append(append([]access.Role{}, access.VendorRoles...), access.CustomerRoles...) {
		keys = append(keys, "role."+string(r))
	}
	for _, s := range []string{project.StatusActive, project.StatusArchived} {
		keys = append(keys, "status."+s)
	}
	for _, p := range project.Products {
		keys = append(keys, "product."+p)
	}
	for _, k := range []string{"vendor", "customer"} {
		keys = append(keys, "companies.kind."+k)
	}
	for _, c := range []apperr.Code{apperr.Invalid, apperr.NotFound, apperr.Forbidden, apperr.Conflict, apperr.Unauthenticated, apperr.TooMany, apperr.Internal} {
		keys = append(keys, "error.title."+strconv.Itoa(web.Status(c)))
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("dynamic key %q is missing", k)
		}
	}
}

// jsonNames lists the JSON member names of a struct type, recursively.
func jsonNames(t reflect.Type, out map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			jsonNames(f.Type, out)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = true
	}
}

// newApp starts the application on an empty SQLite database.
func newApp(t *testing.T) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// Every member of every API request body has a label: a type error or an
// overlong value names the field in the user's language.
func TestEveryAPIInputFieldHasALabel(t *testing.T) {
	a := newApp(t)
	names := map[string]bool{}
	n := 0
	for _, r := range a.Server.Routes() {
		if r.Doc.In != nil {
			n++
			jsonNames(reflect.TypeOf(r.Doc.In), names)
		}
	}
	if n < 5 {
		t.Fatalf("only %d documented request bodies", n)
	}
	for name := range names {
		if !i18n.Has("field." + name) {
			t.Errorf("request member %q has no label field.%s", name, name)
		}
	}
}

// The activity timeline labels each changed field with field.<name>;
// every field a project or member audit row can carry needs one.
func TestAuditChangeFieldsHaveLabels(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	vendor, err := a.Auth.CreateCompany(ctx, nil, auth.CompanyInput{Name: "实施方", Kind: "vendor"})
	if err != nil {
		t.Fatal(err)
	}
	cust, err := a.Auth.CreateCompany(ctx, nil, auth.CompanyInput{Name: "客户", Kind: "customer"})
	if err != nil {
		t.Fatal(err)
	}
	pmUser, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Email: "pm@x.cn", Name: "PM", CompanyID: vendor.ID, Role: "pm", Password: "password-1"})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Email: "dev@x.cn", Name: "Dev", CompanyID: vendor.ID, Role: "developer", Password: "password-1"})
	if err != nil {
		t.Fatal(err)
	}
	pm := &access.Principal{UserID: pmUser.ID, CompanyID: vendor.ID, Name: "PM", Role: access.RolePM, Vendor: true}
	pr, err := a.Projects.Create(ctx, pm, project.Input{Code: "P1", Name: "项目", CustomerCompanyID: cust.ID, Product: "ERP", StartDate: "2026-01-01", GoLiveDate: "2026-02-01", BudgetMinor: 100, Description: "说明"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Projects.Update(ctx, pm, pr.ID, project.Input{Code: "P2", Name: "项目二", CustomerCompanyID: cust.ID, Product: "CRM", BudgetMinor: 200, Version: pr.Version}); err != nil {
		t.Fatal(err)
	}
	m, err := a.Projects.AddMember(ctx, pm, pr.ID, project.MemberInput{UserID: dev.ID, Role: "developer"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Projects.RemoveMember(ctx, pm, pr.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Projects.SetArchived(ctx, pm, pr.ID, true); err != nil {
		t.Fatal(err)
	}
	rows, _, err := a.Projects.Activity(ctx, pm, pr.ID, db.Page{Number: 1, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, r := range rows {
		if !i18n.Has("audit.action."+r.Action) || !i18n.Has("audit.entity."+r.Entity) {
			t.Errorf("row %s %s has no label", r.Entity, r.Action)
		}
		for _, c := range r.Changes {
			fields[c.Field] = true
		}
	}
	if len(fields) < 8 {
		t.Fatalf("only %d changed fields seen: %v", len(fields), fields)
	}
	for f := range fields {
		if !i18n.Has("field." + f) {
			t.Errorf("changed field %q has no label field.%s", f, f)
		}
	}
}
