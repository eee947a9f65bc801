package main

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// scrape is one reading of the webhook's /metrics: each series (its name
// and labels as written) and its value.
type scrape map[string]float64

// readMetrics scrapes url (the webhook's /metrics, plain HTTP on loopback)
// and keeps a copy of what it read in the file keep.
func readMetrics(client *http.Client, url, keep string) (scrape, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", url, err)
	}
	if err := os.WriteFile(keep, body, 0o644); err != nil {
		return nil, err
	}
	return parseMetrics(bytes.NewReader(body))
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

// histogram is the cumulative buckets of the histogram name, summed over
// its series' labels, sorted by le.
func (s scrape) histogram(name string) []bucket {
	byLE := map[float64]float64{}
	prefix := name + "_bucket{"
	for k, v := range s {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		_, le, ok := strings.Cut(rest, `le="`)
		if !ok {
			continue
		}
		le, _, _ = strings.Cut(le, `"`)
		bound, err := strconv.ParseFloat(le, 64)
		if err != nil {
			continue
		}
		byLE[bound] += v
	}
	out := make([]bucket, 0, len(byLE))
	for le, count := range byLE {
		out = append(out, bucket{le: le, count: count})
	}
	slices.SortFunc(out, func(a, b bucket) int { return cmp.Compare(a.le, b.le) })
	return out
}

// histogramDelta is end's histogram less start's (start may lack it).
func histogramDelta(start, end scrape, name string) []bucket {
	before := map[float64]float64{}
	for _, b := range start.histogram(name) {
		before[b.le] = b.count
	}
	out := end.histogram(name)
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
	return "≤" + round(time.Duration(seconds*float64(time.Second))).String()
}
