//go:build e2e

package e2e

import (
	"os/exec"
	"testing"
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
