package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"k8s.io/client-go/rest"

	"github.com/slotwise/slotcheck/internal/cli"
)

// user is the unprivileged UID:GID a process started as root drops to.
type user struct{ uid, gid int }

func (u user) String() string { return fmt.Sprintf("%d:%d", u.uid, u.gid) }

// parseRunAs reads --run-as; root is refused, as dropping to it would keep
// every privilege.
func parseRunAs(runAs string) (user, error) {
	var u user
	if _, err := fmt.Sscanf(runAs, "%d:%d", &u.uid, &u.gid); err != nil || u.uid <= 0 || u.gid <= 0 {
		return user{}, cli.UsageError{Err: fmt.Errorf("--run-as %q: want a non-root UID:GID", runAs)}
	}
	return u, nil
}

// startAs reads what only the starting user may be able to read, the
// kubeconfig and the certificates it names, then drops to --run-as when
// started as root (the webhook needs no privilege to answer a request),
// and checks that the serving certificate is still readable: a root
// developer or a root container otherwise meets a bare "permission denied"
// on files root can read.
func startAs(opts *serveOptions) (*rest.Config, error) {
	u, err := parseRunAs(opts.runAs)
	if err != nil {
		return nil, err
	}
	cfg, err := restConfig(opts.kubeconfig)
	if err != nil {
		return nil, err
	}
	dropped, err := dropPrivileges(u)
	if err != nil {
		return nil, err
	}
	if err := checkReadable(opts.certDir, u, dropped); err != nil {
		return nil, err
	}
	return cfg, nil
}

// dropPrivileges switches a process running as root to u, and reports
// whether it did.
func dropPrivileges(u user) (bool, error) {
	if os.Geteuid() != 0 {
		return false, nil
	}
	if err := syscall.Setgroups(nil); err != nil {
		return false, fmt.Errorf("drop privileges: setgroups: %w", err)
	}
	if err := syscall.Setgid(u.gid); err != nil {
		return false, fmt.Errorf("drop privileges: setgid %d: %w", u.gid, err)
	}
	if err := syscall.Setuid(u.uid); err != nil {
		return false, fmt.Errorf("drop privileges: setuid %d: %w", u.uid, err)
	}
	return true, nil
}

// checkReadable opens the serving certificate and key as the process now
// runs. After a drop from root, a permission error names the user the
// process runs as, which is what the reader has to fix.
func checkReadable(certDir string, u user, dropped bool) error {
	for _, name := range []string{"tls.crt", "tls.key"} {
		p := filepath.Join(certDir, name)
		f, err := os.Open(p)
		if err == nil {
			err = f.Close()
		}
		switch {
		case err == nil:
			continue
		case dropped && errors.Is(err, fs.ErrPermission):
			return cli.UsageError{Err: fmt.Errorf("serving certificate: %w: started as root, slotcheck-webhook runs as the --run-as user %s, which cannot read it; make %s readable by %s or pass another --run-as", err, u, certDir, u)}
		default:
			return cli.UsageError{Err: fmt.Errorf("serving certificate: %w", err)}
		}
	}
	return nil
}
