package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The written dependency direction: cmd → app → modules → platform. A
// platform package importing a module would start the slide into one
// god package, so it fails here.
func TestPlatformDoesNotImportModules(t *testing.T) {
	platform := []string{"apperr", "access", "audit", "auth", "config", "db", "i18n", "money", "trash", "validate", "web", "discuss", "notify"}
	modules := []string{"project", "methodology", "work", "demo", "app"}
	for _, p := range platform {
		out, err := exec.Command("go", "list", "-deps", "golive/internal/"+p).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", p, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, m := range modules {
				if dep == "golive/internal/"+m {
					t.Errorf("platform package %s imports module %s", p, m)
				}
			}
		}
	}
}
