package main

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// gcCycle is one collection of the webhook, as GODEBUG=gctrace=1 prints it
// on the process's stderr when the cycle ends.
type gcCycle struct {
	n int
	// at is when the cycle started, from the process's start.
	at time.Duration
	// sweepTerm and markTerm are the two stop-the-world phases (wall
	// time); mark is the concurrent mark between them.
	sweepTerm, mark, markTerm time.Duration
	// assist is the CPU time allocating goroutines spent marking (time
	// the reviews themselves lost to the collector); background is the
	// dedicated and fractional workers' CPU time, idle the idle workers'.
	assist, background, idle time.Duration
	// heapStart and heapGoal are the heap when the cycle started and the
	// goal it was paced for, in MB; live is what it left marked.
	heapStart, live, heapGoal int
}

// clock is the cycle's wall time from start to end.
func (c gcCycle) clock() time.Duration { return c.sweepTerm + c.mark + c.markTerm }

// stw is the cycle's time with the world stopped.
func (c gcCycle) stw() time.Duration { return c.sweepTerm + c.markTerm }

// gctraceLine matches the head of a gctrace line (Go 1.26, runtime/mgc.go):
//
//	gc 12 @3.456s 2%: 0.021+15+0.034 ms clock, 0.042+1.2/7.5/0.5+0.068 ms cpu, 120->125->40 MB, 128 MB goal, ...
var gctraceLine = regexp.MustCompile(`^gc (\d+) @([0-9.]+)s \d+%[^:]*: ([0-9.]+)\+([0-9.]+)\+([0-9.]+) ms clock, [0-9.]+\+([0-9.]+)/([0-9.]+)/([0-9.]+)\+[0-9.]+ ms cpu, (\d+)->\d+->(\d+) MB, (\d+) MB goal`)

// parseGCTrace reads the collections out of a log that holds gctrace lines
// among others. The runtime writes a line in several pieces, so a log line
// written at the same moment can split one; such a cycle is missing from
// the list (the /metrics count says how many are).
func parseGCTrace(log string) []gcCycle {
	var cycles []gcCycle
	for line := range strings.Lines(log) {
		m := gctraceLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		cycles = append(cycles, gcCycle{
			n:          n,
			at:         seconds(m[2]),
			sweepTerm:  millis(m[3]),
			mark:       millis(m[4]),
			markTerm:   millis(m[5]),
			assist:     millis(m[6]),
			background: millis(m[7]),
			idle:       millis(m[8]),
			heapStart:  atoi(m[9]),
			live:       atoi(m[10]),
			heapGoal:   atoi(m[11]),
		})
	}
	return cycles
}

func seconds(s string) time.Duration {
	f, _ := strconv.ParseFloat(s, 64)
	return time.Duration(f * float64(time.Second))
}

func millis(s string) time.Duration {
	f, _ := strconv.ParseFloat(s, 64)
	return time.Duration(f * float64(time.Millisecond))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
