package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestImageBuild builds both binaries the way the Dockerfile does (no
// Docker engine runs here) and shows they can run on scratch: statically
// linked, no interpreter, no libc. The Dockerfile must keep the same flags.
// -trimpath, which only rewrites file names, is left out here so that the
// build reuses the test suite's cache (scripts/test builds everything with
// CGO_ENABLED=0, as the image does).
func TestImageBuild(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=0", "go build -trimpath", `-ldflags "-s -w -X github.com/slotwise/slotcheck/internal/version.version=${VERSION}"`, "./cmd/webhook", "./cmd/slotcheck", "FROM scratch"} {
		if !strings.Contains(string(dockerfile), want) {
			t.Fatalf("the Dockerfile no longer builds with %q: update this test with it", want)
		}
	}
	out := t.TempDir()
	for _, pkg := range []string{"./cmd/webhook", "./cmd/slotcheck"} {
		bin := filepath.Join(out, filepath.Base(pkg))
		cmd := exec.Command("go", "build", "-ldflags", "-s -w -X github.com/slotwise/slotcheck/internal/version.version=v0.1.0-test", "-o", bin, pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", pkg, err, b)
		}
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
				t.Errorf("%s is dynamically linked (%v): it cannot start on scratch", pkg, p.Type)
			}
		}
		f.Close()
		v, err := exec.Command(bin, "--version").CombinedOutput()
		if err != nil || !strings.Contains(string(v), "v0.1.0-test") {
			t.Errorf("%s --version: %v %s", pkg, err, v)
		}
	}
}
