//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/slotwise/slotcheck/internal/admission"
)

// configMount is a folder laid out as the kubelet mounts a ConfigMap:
// config.yaml -> ..data/config.yaml, ..data -> a timestamped folder, and an
// update swaps the ..data symlink in one rename.
type configMount struct {
	dir string
	n   int
}

func newConfigMount(t *testing.T, content string) *configMount {
	t.Helper()
	m := &configMount{dir: t.TempDir()}
	m.write(t, content)
	if err := os.Symlink(filepath.Join("..data", "config.yaml"), m.path()); err != nil {
		t.Fatal(err)
	}
	return m
}

// path is the file the webhook is given.
func (m *configMount) path() string { return filepath.Join(m.dir, "config.yaml") }

// write puts content in force as the kubelet does: a new folder, then the
// ..data symlink swapped to it.
func (m *configMount) write(t *testing.T, content string) {
	t.Helper()
	m.n++
	version := fmt.Sprintf("..version_%d", m.n)
	if err := os.Mkdir(filepath.Join(m.dir, version), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m.dir, version, "config.yaml"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(m.dir, "..data_tmp")
	if err := os.Symlink(version, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(m.dir, "..data")); err != nil {
		t.Fatal(err)
	}
}

// gauge is the value of a metric of reg with the labels given, 0 when
// there is none.
func gauge(t *testing.T, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue metrics
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// configuredDeployment is the compliant Deployment with a writable root
// filesystem: SEC006 denies it, and nothing else does.
func configuredDeployment(t *testing.T, namespace, name string) *appsv1.Deployment {
	t.Helper()
	d := fixture(t, compliant, namespace, &appsv1.Deployment{})
	d.Name = name
	writable := false
	d.Spec.Template.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem = &writable
	return d
}

// TestConfig runs the webhook with a configuration file mounted as a
// ConfigMap is, in config exemption mode: it reloads the file when the
// mount changes (fsnotify on the folder), keeps the last good one when a
// change is bad and counts it, and refuses exemption annotations.
func TestConfig(t *testing.T) {
	mount := newConfigMount(t, "version: 1\n")
	var reg *prometheus.Registry
	s := newSuite(t, func(t *testing.T, s *suite, mgr manager.Manager, cfg *admission.Config) {
		t.Helper()
		// A registry per start, as the suite's own metrics.
		reg = prometheus.NewRegistry()
		src, err := admission.NewConfigSource(admission.ConfigSourceOptions{
			Path:       mount.path(),
			Known:      func(id string) bool { _, ok := s.engine.Rule(id); return ok },
			Exemptions: admission.ExemptionsConfig,
		}, reg, ctrllog.Log.WithName("webhook").WithName("config"))
		if err != nil {
			t.Fatalf("configuration: %v", err)
		}
		if err := mgr.Add(src); err != nil {
			t.Fatalf("configuration watcher: %v", err)
		}
		cfg.Configuration, cfg.Exemptions = src, admission.ExemptionsConfig
	})
	const ns = "e2e-config"
	s.namespace(t, ns, nil)

	t.Run("an exemption added by a reload lets a denied object in; a bad reload keeps it", func(t *testing.T) {
		mustDeny(t, s.create(t, configuredDeployment(t, ns, "auth-service"), client.DryRunAll), "SEC006")

		mount.write(t, "version: 1\nexemptions:\n- rules: [SEC006]\n  namespaces: [e2e-config]\n  names: [auth-service]\n  reason: e2e cache on the root filesystem\n")
		eventually(t, "the exempted Deployment allowed after the reload", func(context.Context) (bool, error) {
			return s.create(t, configuredDeployment(t, ns, "auth-service"), client.DryRunAll).err == nil, nil
		})

		mount.write(t, "version: 1\nexemptions:\n- rules: [SEC006]\n  reason: no date\n  expires: someday\n")
		eventually(t, "the bad reload counted", func(context.Context) (bool, error) {
			return gauge(t, reg, "slotcheck_config_loads_total", map[string]string{"result": "failure"}) == 1, nil
		})
		if got := gauge(t, reg, "slotcheck_config_last_load_successful", nil); got != 0 {
			t.Errorf("slotcheck_config_last_load_successful %v after a bad reload, want 0", got)
		}
		if !strings.Contains(s.logs.String(), mount.path()+":5:12: exemptions[0].expires") {
			t.Errorf("the log does not name the problem at its line")
		}
		// The last good configuration is still in force.
		mustAllow(t, s.create(t, configuredDeployment(t, ns, "auth-service")))
		if got := gauge(t, reg, "slotcheck_config_loads_total", map[string]string{"result": "success"}); got != 2 {
			t.Errorf("%v successful loads, want 2 (start and the good reload)", got)
		}
	})

	t.Run("config mode refuses an exemption annotation", func(t *testing.T) {
		d := configuredDeployment(t, ns, "self-exempt")
		d.Annotations = map[string]string{"slotcheck.slotwise.com/exempt-SEC006": "e2e: the team exempts itself"}
		msg := mustDeny(t, s.create(t, d), "SEC006")
		if want := "[annotation exemption ignored (e2e: the team exempts itself): only the configuration file may exempt in this cluster]"; !strings.Contains(msg, want) {
			t.Errorf("denial does not say %q: %s", want, msg)
		}
	})
}
