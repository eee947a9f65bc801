package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// slowSecond is the p99 above which a second of the soak counts as slow:
// the soak's p99 goal.
const slowSecond = 10 * time.Millisecond

// second is the reviews due in one second of the soak and what else ran
// then: a stall shows as a slow second, and what it overlaps says whose it
// is (the webhook's collector, the client's, new connections).
type second struct {
	index         int
	count         int
	p50, p99, max time.Duration
	// late is the longest the client itself was late to send a review.
	late     time.Duration
	newConns int
	// gc is the webhook's collections that ran during the second.
	gc []gcCycle
	// client is what the soak's own runtime did in it, and cpu the cores
	// each party used (zero when not sampled).
	client clientSecond
	cpu    cpuSecond
}

// slow says whether the second's p99 missed the goal.
func (s second) slow() bool { return s.p99 > slowSecond }

// perSecond groups the outcomes by the second they were due in. cycles are
// the webhook's collections, shifted to the soak's clock by offset (when
// the process started, from the start of the soak); client is the soak's
// own runtime and the CPU used, second by second.
func perSecond(outcomes []outcome, cycles []gcCycle, offset time.Duration, sampled samples) []second {
	var lat [][]time.Duration
	var out []second
	for _, o := range outcomes {
		i := int(o.at / time.Second)
		for len(out) <= i {
			out = append(out, second{index: len(out)})
			lat = append(lat, nil)
		}
		lat[i] = append(lat[i], o.latency)
		out[i].late = max(out[i].late, o.late)
		if o.newConn {
			out[i].newConns++
		}
	}
	for i := range out {
		slices.Sort(lat[i])
		out[i].count = len(lat[i])
		out[i].p50, out[i].p99, out[i].max = spread(lat[i])
		if i < len(sampled.client) {
			out[i].client = sampled.client[i]
		}
		if i < len(sampled.cpu) {
			out[i].cpu = sampled.cpu[i]
		}
		from, to := time.Duration(i)*time.Second, time.Duration(i+1)*time.Second
		for _, c := range cycles {
			start := c.at + offset
			if start < to && start+c.clock() > from {
				out[i].gc = append(out[i].gc, c)
			}
		}
	}
	return out
}

// factor is one thing a second may have had, for the attribution.
type factor struct {
	name string
	has  func(second) bool
}

// stallFactors are what a slow second is checked against.
func stallFactors() []factor {
	return []factor{
		{name: "a collection of the webhook", has: func(s second) bool { return len(s.gc) > 0 }},
		{name: "a collection of the client", has: func(s second) bool { return s.client.cycles > 0 }},
		{name: "new connections", has: func(s second) bool { return s.newConns > 0 }},
		{name: "the client over 5ms late", has: func(s second) bool { return s.late > 5*time.Millisecond }},
		{name: "the neighbours over a core", has: func(s second) bool { return s.cpu.others() > 1 }},
	}
}

// printSeconds writes how many seconds were slow and, for each factor, how
// often a second with it and one without it was slow; then the slowest
// seconds.
func printSeconds(w io.Writer, secs []second, worst int, offset time.Duration) {
	slow := 0
	p99s := make([]time.Duration, len(secs))
	for i, s := range secs {
		p99s[i] = s.p99
		if s.slow() {
			slow++
		}
	}
	slices.Sort(p99s)
	// A burst of the neighbours' work sets the overall p99 for the whole
	// run; the p99 of the median second says what the webhook does
	// between bursts.
	fmt.Fprintf(w, "seconds         %d, %d of them slow (p99 over %s); p99 of the median second %s, of the 90th percentile second %s\n",
		len(secs), slow, slowSecond, round(percentile(p99s, 50)), round(percentile(p99s, 90)))
	for _, f := range stallFactors() {
		printFactor(w, f, secs)
	}
	printSlowest(w, secs, worst, offset)
}

// printFactor writes how many seconds with the factor and without it were
// slow.
func printFactor(w io.Writer, f factor, secs []second) {
	var with, withSlow, without, withoutSlow int
	for _, s := range secs {
		switch {
		case f.has(s) && s.slow():
			with, withSlow = with+1, withSlow+1
		case f.has(s):
			with++
		case s.slow():
			without, withoutSlow = without+1, withoutSlow+1
		default:
			without++
		}
	}
	fmt.Fprintf(w, "  with %-28s %4d seconds, %4d slow; without: %4d, %4d slow\n", f.name, with, withSlow, without, withoutSlow)
}

// printSlowest writes the worst seconds by their longest review.
func printSlowest(w io.Writer, secs []second, worst int, offset time.Duration) {
	byMax := slices.Clone(secs)
	slices.SortStableFunc(byMax, func(a, b second) int { return cmp.Compare(b.max, a.max) })
	fmt.Fprintf(w, "slowest seconds (cores used by the webhook, the client, kube-apiserver and etcd, and the rest of the machine;\n"+
		"  webhook collections: start from the second's, ms, stop-the-world/mark ms, assist ms of CPU)\n")
	fmt.Fprintf(w, "  %4s %5s %9s %9s %9s %9s %5s %-23s %-24s %s\n", "s", "n", "p50", "p99", "max", "late", "conns", "cores: hook cli ctl rest", "client GC (pause, sched)", "webhook GC")
	for _, s := range byMax[:min(worst, len(byMax))] {
		fmt.Fprintf(w, "  %4d %5d %9s %9s %9s %9s %5d %-23s %-24s %s\n", s.index, s.count, round(s.p50), round(s.p99), round(s.max),
			round(s.late), s.newConns, s.cpu, clientGC(s.client), webhookGC(s, offset))
	}
}

func clientGC(c clientSecond) string {
	return fmt.Sprintf("%d (%s, %s)", c.cycles, c.maxPause, c.maxSchedLatency)
}

// webhookGC writes the second's collections, each as when it started in
// the second, its stop-the-world and mark time and its assists.
func webhookGC(s second, offset time.Duration) string {
	var parts []string
	for _, c := range s.gc {
		at := c.at + offset - time.Duration(s.index)*time.Second
		parts = append(parts, fmt.Sprintf("%+d %.1f/%.0f %.0f", at.Milliseconds(), ms(c.stw()), ms(c.mark), ms(c.assist)))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writeSecondsTSV writes every second, one line each, for plotting.
func writeSecondsTSV(w io.Writer, secs []second, offset time.Duration) error {
	fmt.Fprintln(w, "second\treviews\tp50_ms\tp99_ms\tmax_ms\tclient_late_ms\tnew_conns\tclient_gc\tclient_pause_ms\tclient_sched_ms\twebhook_gc\twebhook_stw_ms\twebhook_mark_ms\twebhook_assist_ms\tcores_webhook\tcores_client\tcores_control_plane\tcores_rest")
	for _, s := range secs {
		var stw, mark, assist time.Duration
		for _, c := range s.gc {
			stw, mark, assist = stw+c.stw(), mark+c.mark, assist+c.assist
		}
		if _, err := fmt.Fprintf(w, "%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%.3f\t%.3f\t%d\t%.3f\t%.1f\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\n", s.index, s.count, ms(s.p50), ms(s.p99), ms(s.max),
			ms(s.late), s.newConns, s.client.cycles, ms(s.client.maxPause), ms(s.client.maxSchedLatency), len(s.gc), ms(stw), ms(mark), ms(assist),
			s.cpu.webhook, s.cpu.client, s.cpu.controlPlane, s.cpu.others()); err != nil {
			return err
		}
	}
	return nil
}
