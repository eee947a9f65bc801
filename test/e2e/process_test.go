//go:build e2e

package e2e

import (
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// process is a binary a test started, which a goroutine waits for.
type process struct {
	cmd *exec.Cmd
	// exited closes once cmd.Wait has returned; err is what it returned.
	// Only the waiting goroutine touches cmd.ProcessState.
	exited chan struct{}
	err    error
}

// startProcess starts cmd. When the test ends the process is killed,
// unless it has exited, and waited for, so that it is gone before the
// cleanups registered earlier (its folder's removal) run.
func startProcess(t *testing.T, cmd *exec.Cmd) *process {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// terminate sends the process SIGTERM and requires a graceful exit, status
// 0, within the suite's timeout; logs are its output, shown if it fails.
func (p *process) terminate(t *testing.T, logs fmt.Stringer) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", p.err, logs)
		}
	case <-time.After(timeout):
		t.Errorf("still running %s after SIGTERM", timeout)
	}
}
