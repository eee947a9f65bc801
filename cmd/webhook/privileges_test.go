package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/cli"
)

// dropEnv carries the options of a TestDropHelper run from TestStartAsRoot.
const dropEnv = "SLOTCHECK_TEST_DROP"

// TestKubeconfigReadBeforeDrop shows the certificates a kubeconfig names
// are in memory once it is read: nothing of the kubeconfig is read again
// after the process drops to --run-as.
func TestKubeconfigReadBeforeDrop(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"ca.crt": "the CA", "client.crt": "the client certificate", "client.key": "the client key"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	writeKubeconfig(t, kubeconfig, dir)
	cfg, err := restConfig(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"ca.crt": string(cfg.CAData), "client.crt": string(cfg.CertData), "client.key": string(cfg.KeyData)}
	for name, want := range files {
		if got[name] != want {
			t.Errorf("%s: %q in memory, want %q", name, got[name], want)
		}
	}
}

// TestRunAs holds --run-as to a non-root UID:GID, whoever starts the
// process.
func TestRunAs(t *testing.T) {
	tests := []struct {
		name  string
		runAs string
		want  user
		bad   bool
	}{
		{name: "default", runAs: "65532:65532", want: user{65532, 65532}},
		{name: "root", runAs: "0:0", bad: true},
		{name: "root group", runAs: "1000:0", bad: true},
		{name: "no group", runAs: "1000", bad: true},
		{name: "names", runAs: "nobody:nogroup", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRunAs(tt.runAs)
			if (err != nil) != tt.bad || got != tt.want {
				t.Fatalf("parseRunAs(%q) = %v, %v; want %v, refused %v", tt.runAs, got, err, tt.want, tt.bad)
			}
			if err != nil && cli.ExitCode(&bytes.Buffer{}, "slotcheck-webhook", err) != cli.ExitUsage {
				t.Errorf("%v is not a usage error", err)
			}
		})
	}
}

// TestStartAsRoot starts a child process as root with a kubeconfig only
// root can read: it reads the kubeconfig, drops to --run-as, and then
// either finds its certificate readable or says that it runs as the
// --run-as user, which cannot read it. Dropping privileges is for the
// whole process, hence the child.
func TestStartAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("starts a process as root; run as root to test the drop")
	}
	tests := []struct {
		name     string
		certMode os.FileMode
		want     string
	}{
		{name: "certificate readable by the user", certMode: 0o755, want: "started"},
		{name: "certificate readable by root only", certMode: 0o700, want: "runs as the --run-as user 65532:65532, which cannot read it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// t.TempDir's parent is root's only: the child reaches the
			// certificate through a folder any user can enter.
			base := t.TempDir()
			if err := os.Chmod(filepath.Dir(base), 0o755); err != nil {
				t.Fatal(err)
			}
			private, certs := filepath.Join(base, "private"), filepath.Join(base, "certs")
			for dir, mode := range map[string]os.FileMode{private: 0o700, certs: tt.certMode} {
				if err := os.Mkdir(dir, mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, mode); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(base, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"ca.crt", "client.crt", "client.key"} {
				if err := os.WriteFile(filepath.Join(private, name), []byte(name), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range []string{"tls.crt", "tls.key"} {
				if err := os.WriteFile(filepath.Join(certs, name), []byte(name), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			writeKubeconfig(t, filepath.Join(private, "kubeconfig"), private)
			opts, _ := json.Marshal(map[string]string{"kubeconfig": filepath.Join(private, "kubeconfig"), "certDir": certs})
			cmd := exec.Command(os.Args[0], "-test.run=^TestDropHelper$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), dropEnv+"="+string(opts))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("child said\n%s\nwant %q", out, tt.want)
			}
		})
	}
}

// TestDropHelper is TestStartAsRoot's child: it runs startAs with the
// default --run-as and prints what came of it.
func TestDropHelper(t *testing.T) {
	env := os.Getenv(dropEnv)
	if env == "" {
		t.Skip("the child process of TestStartAsRoot")
	}
	var o map[string]string
	if err := json.Unmarshal([]byte(env), &o); err != nil {
		t.Fatal(err)
	}
	_, err := startAs(&serveOptions{kubeconfig: o["kubeconfig"], certDir: o["certDir"], runAs: "65532:65532"})
	if err != nil {
		t.Logf("error: %v", err)
		return
	}
	if os.Geteuid() != 65532 || os.Getegid() != 65532 {
		t.Fatalf("running as %d:%d after the drop", os.Geteuid(), os.Getegid())
	}
	t.Log("started")
}

// writeKubeconfig writes a kubeconfig whose CA and client certificate are
// files in dir.
func writeKubeconfig(t *testing.T, path, dir string) {
	t.Helper()
	kubeconfig := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: ` + filepath.Join(dir, "ca.crt") + `
users:
- name: u
  user:
    client-certificate: ` + filepath.Join(dir, "client.crt") + `
    client-key: ` + filepath.Join(dir, "client.key") + `
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
}
