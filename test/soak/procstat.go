package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the unit of /proc's CPU times (USER_HZ, 100 on Linux).
const clockTicks = 100

// cpuSecond is how many cores each party used in one second: the machine
// as a whole, the webhook, the soak's own process (the client), and
// kube-apiserver and etcd. What the machine used beyond the three is the
// neighbours' work, which a latency on a shared machine also measures.
type cpuSecond struct {
	machine, webhook, client, controlPlane float64
}

// others is the cores the machine used for anything but the soak.
func (c cpuSecond) others() float64 {
	return max(0, c.machine-c.webhook-c.client-c.controlPlane)
}

// cpuReading is one reading of the CPU times, in clock ticks.
type cpuReading struct {
	at                                     time.Time
	machine, webhook, client, controlPlane uint64
}

// procSampler reads the CPU times of the machine and of the soak's
// processes from /proc.
type procSampler struct {
	proc         string // /proc
	webhook      int
	controlPlane []int
	last         cpuReading
}

// newProcSampler samples the webhook's process and the soak's children
// named kube-apiserver or etcd.
func newProcSampler(proc string, webhook int) *procSampler {
	p := &procSampler{proc: proc, webhook: webhook, controlPlane: children(proc, os.Getpid(), "kube-apiserver", "etcd")}
	p.last = p.read()
	return p
}

func (p *procSampler) read() cpuReading {
	r := cpuReading{at: time.Now(), webhook: p.ticks(p.webhook), client: p.ticks(os.Getpid())}
	for _, pid := range p.controlPlane {
		r.controlPlane += p.ticks(pid)
	}
	if b, err := os.ReadFile(filepath.Join(p.proc, "stat")); err == nil {
		r.machine = machineBusy(string(b))
	}
	return r
}

// sample is the cores used since the last sample.
func (p *procSampler) sample() cpuSecond {
	now := p.read()
	last := p.last
	p.last = now
	elapsed := now.at.Sub(last.at).Seconds() * clockTicks
	if elapsed <= 0 {
		return cpuSecond{}
	}
	cores := func(a, b uint64) float64 {
		if b < a {
			return 0
		}
		return float64(b-a) / elapsed
	}
	return cpuSecond{
		machine:      cores(last.machine, now.machine),
		webhook:      cores(last.webhook, now.webhook),
		client:       cores(last.client, now.client),
		controlPlane: cores(last.controlPlane, now.controlPlane),
	}
}

// ticks is a process's user and system time (0 once it is gone).
func (p *procSampler) ticks(pid int) uint64 {
	b, err := os.ReadFile(filepath.Join(p.proc, strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	_, fields, ok := statFields(string(b))
	if !ok || len(fields) < 13 {
		return 0
	}
	// utime and stime are fields 14 and 15 of proc(5), 12 and 13 after
	// the command.
	utime, _ := strconv.ParseUint(fields[11], 10, 64)
	stime, _ := strconv.ParseUint(fields[12], 10, 64)
	return utime + stime
}

// statFields splits /proc/<pid>/stat into the command (which may hold
// spaces) and the fields after it, from the state on.
func statFields(stat string) (comm string, fields []string, ok bool) {
	open, end := strings.IndexByte(stat, '('), strings.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return "", nil, false
	}
	return stat[open+1 : end], strings.Fields(stat[end+1:]), true
}

// machineBusy is the busy time of all cores in /proc/stat's first line:
// everything but idle and iowait.
func machineBusy(stat string) uint64 {
	line, _, _ := strings.Cut(stat, "\n")
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0
	}
	var busy uint64
	for i, f := range fields[1:] {
		// user nice system idle iowait irq softirq steal (guest time is
		// already in user and nice).
		if i == 3 || i == 4 || i >= 8 {
			continue
		}
		v, _ := strconv.ParseUint(f, 10, 64)
		busy += v
	}
	return busy
}

// children lists the processes whose parent is ppid and whose command is
// one of names.
func children(proc string, ppid int, names ...string) []int {
	entries, err := os.ReadDir(proc)
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(proc, e.Name(), "stat"))
		if err != nil {
			continue
		}
		comm, fields, ok := statFields(string(b))
		if !ok || len(fields) < 2 || fields[1] != strconv.Itoa(ppid) {
			continue
		}
		for _, n := range names {
			if comm == n {
				out = append(out, pid)
			}
		}
	}
	return out
}

// String writes the cores as the report's columns do.
func (c cpuSecond) String() string {
	return fmt.Sprintf("%.2f %.2f %.2f %.2f", c.webhook, c.client, c.controlPlane, c.others())
}
