package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// openReportsModule is the module whose Report type the webhook writes
// and whose CRDs the chart ships.
const openReportsModule = "github.com/openreports/reports-api"

// TestOpenReportsCRDsVendored holds the CRDs the chart installs
// (files/openreports/) to those of the reports-api module in go.mod, byte
// for byte: upgrading the module fails here until the chart's copies are
// refreshed from its config/crd/.
func TestOpenReportsCRDsVendored(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", openReportsModule).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", openReportsModule, err)
	}
	moduleDir := strings.TrimSpace(string(out))
	_, self, _, _ := runtime.Caller(0)
	chartDir := filepath.Join(filepath.Dir(self), "..", "..", "charts", "slotcheck-webhook", "files", "openreports")
	for _, name := range []string{"openreports.io_reports.yaml", "openreports.io_clusterreports.yaml"} {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(moduleDir, "config", "crd", name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(chartDir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("charts/slotcheck-webhook/files/openreports/%s differs from %s's config/crd/%s: copy it over", name, openReportsModule, name)
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.Unmarshal(got, &crd); err != nil {
				t.Fatal(err)
			}
			if crd.Spec.Group != "openreports.io" {
				t.Errorf("group %q, want openreports.io", crd.Spec.Group)
			}
		})
	}
}
