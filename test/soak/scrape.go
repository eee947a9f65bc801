package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// scrape is one reading of the webhook's /metrics: each series (its name
// and labels as written) and its value.
type scrape map[string]float64

// readMetrics scrapes url (the webhook's /metrics, plain HTTP on loopback).
func readMetrics(client *http.Client, url string) (scrape, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: HTTP %d", url, resp.StatusCode)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads Prometheus's text format; comments and lines it cannot
// read are skipped.
func parseMetrics(r io.Reader) (scrape, error) {
	s := scrape{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		s[line[:i]] = v
	}
	return s, sc.Err()
}

// bucket is one bucket of a histogram: how many observations were at most le.
type bucket struct {
	le    float64
	count float64
}

// histogram is the cumulative buckets of the histogram name (whose series
// carry labels, if any, in labels, written as in the exposition, e.g.
// `webhook="/validate",`), sorted by le.
func (s scrape) histogram(name, labels string) []bucket {
	var out []bucket
	prefix := name + "_bucket{" + labels + `le="`
	for k, v := range s {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		le, err := strconv.ParseFloat(strings.TrimSuffix(rest, `"}`), 64)
		if err != nil {
			continue
		}
		out = append(out, bucket{le: le, count: v})
	}
	slices.SortFunc(out, func(a, b bucket) int { return cmp.Compare(a.le, b.le) })
	return out
}

// histogramDelta is end's histogram less start's (start may lack it).
func histogramDelta(start, end scrape, name, labels string) []bucket {
	before := map[float64]float64{}
	for _, b := range start.histogram(name, labels) {
		before[b.le] = b.count
	}
	out := end.histogram(name, labels)
	for i := range out {
		out[i].count -= before[out[i].le]
	}
	return out
}

// quantile is the upper bound of the bucket that holds the q-th quantile
// (0 < q <= 1) of cumulative buckets: a histogram says no more than that.
// It is 0 with no observations and +Inf past the last bound.
func quantile(buckets []bucket, q float64) float64 {
	if len(buckets) == 0 || buckets[len(buckets)-1].count == 0 {
		return 0
	}
	rank := q * buckets[len(buckets)-1].count
	for _, b := range buckets {
		if b.count >= rank {
			return b.le
		}
	}
	return math.Inf(1)
}

// bound writes a histogram bound of seconds as a duration ("over 10s"
// past the last).
func bound(seconds float64) string {
	if math.IsInf(seconds, 1) {
		return "beyond the last bucket"
	}
	return "≤" + time.Duration(seconds*float64(time.Second)).String()
}
