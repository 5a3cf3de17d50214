package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// dataFixture writes the standard BOM spec, a GBK CSV with known errors and
// a material list into a temp dir.
func dataFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	spec, err := os.ReadFile(filepath.Join("..", "..", "internal", "datamigration", "engine", "library", "04_bom.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "bom.json"), spec, 0o600)
	csv := "父项物料编码,BOM 版本,行号,子项物料编码,单位用量,单位,损耗率\n" +
		"P1,v1,10,M1,4,个,0.02\n" + // fixed: version upper-cased
		"P1,V1,20,M2,\"1,000\",个,\n" + // fixed: number, default
		"P1,V1,30,M9,2,个,\n" + // M9 not in the material master
		"P1,V1,40,M1,2,个,\n" // repeats line 2's key
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(csv)
	os.WriteFile(filepath.Join(dir, "bom.csv"), []byte(gbk), 0o600)
	os.WriteFile(filepath.Join(dir, "materials.csv"), []byte("material_code,name\nP1,a\nM1,b\nM2,c\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "map.json"), []byte(`{"columns":[{"column":"父项物料编码","field":"parent_material"},{"column":"BOM 版本","field":"bom_version"},{"column":"行号","field":"line_no"},{"column":"子项物料编码","field":"child_material"},{"column":"单位用量","field":"qty_per"},{"column":"单位","field":"unit"},{"column":"损耗率","field":"scrap_rate"}]}`), 0o600)
	return dir
}

func TestDataValidate(t *testing.T) {
	dir := dataFixture(t)
	out := filepath.Join(dir, "out")
	stdout, _, err := cli(t, "", "data", "validate", "--spec", filepath.Join(dir, "bom.json"), "--map", filepath.Join(dir, "map.json"),
		"--lookup", "material.material_code="+filepath.Join(dir, "materials.csv"), "--out", out, filepath.Join(dir, "bom.csv"))
	if exitCode(err) != 1 || err == nil {
		t.Fatalf("exit %d (%v), want 1 for rejected rows", exitCode(err), err)
	}
	for _, want := range []string{"gb18030", "读取 4 行", "拒绝 2", "child_material.lookup", "key.bom_line", "第 5 行"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(out, "bom.errors.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) != 3 || rows[1][3] != "M9" || !strings.Contains(rows[1][8], "不存在") {
		t.Errorf("error report %q", rows)
	}
	cleaned, _ := os.ReadFile(filepath.Join(out, "bom.cleaned.csv"))
	if !strings.Contains(string(cleaned), "P1,V1,10,M1,4.0000,个,0.0200") || !strings.Contains(string(cleaned), "P1,V1,20,M2,1000.0000,个,0.0000") {
		t.Errorf("cleaned:\n%s", cleaned)
	}
	// Every row good: exit 0.
	os.WriteFile(filepath.Join(dir, "good.csv"), []byte("父项物料编码,BOM 版本,行号,子项物料编码,单位用量\nP1,V1,10,M1,1\n"), 0o600)
	if _, _, err := cli(t, "", "data", "validate", "--spec", filepath.Join(dir, "bom.json"), "--out", out,
		"--lookup", "material.material_code="+filepath.Join(dir, "materials.csv"), filepath.Join(dir, "good.csv")); err != nil {
		t.Errorf("good file: %v", err)
	}
}

func TestDataValidateUsageAndSpecErrors(t *testing.T) {
	dir := dataFixture(t)
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"object":"x","label":"x","fields":[{"code":"a","label":"A"}],"rules":[{"name":"r1","expr":"a >","message":"m"}]}`), 0o600)
	os.WriteFile(filepath.Join(dir, "locked.xlsx"), []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not really"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"data"}, "validate"},
		{[]string{"data", "validate", filepath.Join(dir, "bom.csv")}, "--spec"},
		{[]string{"data", "validate", "--spec", filepath.Join(dir, "bad.json"), filepath.Join(dir, "bom.csv")}, "r1"},
		{[]string{"data", "validate", "--spec", filepath.Join(dir, "bom.json"), filepath.Join(dir, "missing.csv")}, "无法读取"},
		{[]string{"data", "validate", "--spec", filepath.Join(dir, "bom.json"), filepath.Join(dir, "locked.xlsx")}, ".xls"},
		{[]string{"data", "validate", "--spec", filepath.Join(dir, "bom.json"), "--lookup", "oops", filepath.Join(dir, "bom.csv")}, "名称=文件"},
		{[]string{"data", "validate", "--lang", "en", "--spec", filepath.Join(dir, "bom.json"), filepath.Join(dir, "materials.csv")}, "required columns missing"},
	} {
		_, _, err := cli(t, "", c.args...)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: exit %d, %v; want 2 naming %q", c.args, exitCode(err), err, c.want)
		}
	}
}

// The built binary exits with the statuses scripts rely on.
func TestDataValidateBinaryExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := dataFixture(t)
	bin := filepath.Join(t.TempDir(), "golive")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "data", "validate", "--spec", filepath.Join(dir, "bom.json"), "--out", filepath.Join(dir, "o"), filepath.Join(dir, "bom.csv"))
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("rejected rows: exit %d (%v)\n%s", code, err, out)
	}
	cmd = exec.Command(bin, "data", "validate", filepath.Join(dir, "bom.csv"))
	cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 2 {
		t.Errorf("usage: exit %d", code)
	}
}
