package admission

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
)

// TestConfigSourceFirstLoadsContent: given the content the webhook read at
// start, the source puts that in force rather than reading the file again,
// so that the engine's policies and the first configuration are one
// version of the file; a reload then reads the file.
func TestConfigSourceFirstLoadsContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := NewConfigSource(ConfigSourceOptions{Path: path, Content: []byte(exemption("")), Poll: time.Hour}, prometheus.NewRegistry(), logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(src.Current().File().Exemptions); n != 1 {
		t.Fatalf("%d exemptions in force after the first load, want the content's 1", n)
	}
	if changed, err := src.Reload(); !changed || err != nil {
		t.Fatalf("reload: changed %v, %v; want the file, which differs, read", changed, err)
	}
	if n := len(src.Current().File().Exemptions); n != 0 {
		t.Fatalf("%d exemptions in force after a reload, want the file's 0", n)
	}
}
