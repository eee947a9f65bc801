package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"
)

// classLatency is the latency of one class of reviews: each garbage kind is
// a twentieth of the soak, so one slow class alone sets the overall p99,
// and only the figures per class say which.
type classLatency struct {
	class         string
	count         int
	p50, p99, max time.Duration
}

// byClass is the latency of each class of the outcomes, sorted by class.
func byClass(outcomes []outcome) []classLatency {
	lat := map[string][]time.Duration{}
	for _, o := range outcomes {
		lat[o.class] = append(lat[o.class], o.latency)
	}
	out := make([]classLatency, 0, len(lat))
	for class, l := range lat {
		slices.Sort(l)
		c := classLatency{class: class, count: len(l)}
		c.p50, c.p99, c.max = spread(l)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b classLatency) int { return cmp.Compare(a.class, b.class) })
	return out
}

// printByClass writes the latency of each class, one line each.
func printByClass(w io.Writer, classes []classLatency) {
	fmt.Fprintln(w, "latency by class")
	for _, c := range classes {
		fmt.Fprintf(w, "  %-26s %7d  p50 %-10s p99 %-10s max %s\n", c.class, c.count, round(c.p50), round(c.p99), round(c.max))
	}
}
