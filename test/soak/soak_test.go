package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{name: "empty", sorted: nil, p: 50, want: 0},
		{name: "one", sorted: ms(7), p: 99, want: 7 * time.Millisecond},
		{name: "median of four is the second", sorted: ms(1, 2, 3, 4), p: 50, want: 2 * time.Millisecond},
		{name: "p50 of 1..100", sorted: hundred, p: 50, want: 50 * time.Millisecond},
		{name: "p99 of 1..100", sorted: hundred, p: 99, want: 99 * time.Millisecond},
		{name: "max", sorted: hundred, p: 100, want: 100 * time.Millisecond},
		{name: "p1 of 1..100", sorted: hundred, p: 1, want: time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestGeneratorMix(t *testing.T) {
	g, err := newGenerator(filepath.Join("..", ".."), 5)
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]int{}
	const n = 250
	for i := range n {
		r := g.review(i)
		classes[r.class]++
		garbage := strings.HasPrefix(r.class, "garbage/")
		if garbage != ((i+1)%5 == 0) {
			t.Fatalf("review %d is %s: want garbage exactly one in five", i, r.class)
		}
		if garbage {
			continue
		}
		var review struct {
			Request struct {
				UID    string          `json:"uid"`
				Object json.RawMessage `json:"object"`
			} `json:"request"`
		}
		if err := json.Unmarshal(r.body, &review); err != nil || review.Request.UID != r.uid || len(review.Request.Object) == 0 {
			t.Errorf("review %d (%s) is not an AdmissionReview with UID %q: %v", i, r.class, r.uid, err)
		}
	}
	for _, kind := range garbageKinds() {
		if got := classes["garbage/"+kind]; got != n/5/len(garbageKinds()) {
			t.Errorf("garbage/%s: %d of %d reviews, want %d", kind, got, n, n/5/len(garbageKinds()))
		}
	}
	if ns := g.namespaces(); !slices.Contains(ns, "soak") || len(ns) < 2 || !slices.IsSorted(ns) {
		t.Errorf("namespaces %q: want soak and the examples' namespaces, sorted", ns)
	}
	if classes["compliant/"] == 0 || classes["violations/"] == 0 {
		t.Errorf("classes %v: want objects of both example folders", classes)
	}
}

func TestGarbage(t *testing.T) {
	g, err := newGenerator(filepath.Join("..", ".."), 5)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		kind  string
		check func(t *testing.T, body []byte)
	}{
		{name: "truncated is not JSON", kind: garbageTruncated, check: func(t *testing.T, b []byte) {
			if json.Valid(b) {
				t.Errorf("truncated body is valid JSON: %.100s", b)
			}
		}},
		{name: "huge is over 3 MiB and valid", kind: garbageHuge, check: func(t *testing.T, b []byte) {
			if len(b) < 3<<20 || !json.Valid(b) {
				t.Errorf("huge body: %d bytes, valid %t", len(b), json.Valid(b))
			}
		}},
		{name: "deep nesting passes encoding/json's limit", kind: garbageDeep, check: func(t *testing.T, b []byte) {
			if strings.Count(string(b), "[") < 10001 {
				t.Errorf("nesting depth %d", strings.Count(string(b), "["))
			}
		}},
		{name: "unknown fields are valid JSON", kind: garbageUnknown, check: func(t *testing.T, b []byte) {
			if !json.Valid(b) || !strings.Contains(string(b), "unknownField") {
				t.Errorf("unknown-fields body: %.200s", b)
			}
		}},
		{name: "wrong kind: a Namespace for another object, or a Pod for the envelope", kind: garbageWrongKind, check: func(t *testing.T, b []byte) {
			if !json.Valid(b) || !strings.Contains(string(b), `"kind":"Namespace"`) && !strings.HasPrefix(string(b), `{"apiVersion":"v1","kind":"Pod"`) {
				t.Errorf("wrong-kind body: %.200s", b)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for j := range len(garbageKinds()) * 4 {
				if garbageKinds()[j%len(garbageKinds())] == tt.kind {
					tt.check(t, g.garbage(j, "u").body)
					return
				}
			}
			t.Fatalf("no garbage of kind %s", tt.kind)
		})
	}
}

func TestJudge(t *testing.T) {
	const ok = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":false,"status":{"code":403}}}`
	tests := []struct {
		name        string
		uid         string
		code        int
		body        string
		wantProblem bool
		wantVerdict string
	}{
		{name: "denial", uid: "u1", code: 200, body: ok, wantVerdict: "denied 403"},
		{name: "wrong UID", uid: "u2", code: 200, body: ok, wantProblem: true, wantVerdict: "denied 403"},
		{name: "unreadable request, bare envelope", code: 200, body: `{"response":{"uid":"","allowed":false,"status":{"code":400}}}`, wantVerdict: `denied 400 (envelope "" "")`},
		{name: "no response", uid: "u1", code: 200, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, wantProblem: true, wantVerdict: "http 200"},
		{name: "not JSON", code: 200, body: `{"resp`, wantProblem: true, wantVerdict: "http 200"},
		{name: "server error in the response", uid: "u1", code: 200, body: `{"response":{"uid":"u1","allowed":false,"status":{"code":500}}}`, wantProblem: true, wantVerdict: `denied 500 (envelope "" "")`},
		{name: "4xx with a body", code: 413, body: "too large", wantVerdict: "http 413"},
		{name: "4xx without a body", code: 400, body: " ", wantProblem: true, wantVerdict: "http 400"},
		{name: "5xx", code: http.StatusInternalServerError, body: "boom", wantProblem: true, wantVerdict: "http 500"},
		{name: "allowed with warnings", uid: "u1", code: 200, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":true,"warnings":["w"]}}`, wantVerdict: "allowed with warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := judge(review{class: "c", uid: tt.uid}, tt.code, []byte(tt.body))
			if (o.problem != "") != tt.wantProblem || o.verdict != tt.wantVerdict {
				t.Errorf("judge = problem %q verdict %q; want problem %t verdict %q", o.problem, o.verdict, tt.wantProblem, tt.wantVerdict)
			}
		})
	}
}

func TestParseVmRSSAndPanics(t *testing.T) {
	kib, err := parseVmRSS("Name:\tslotcheck-webhook\nVmPeak:\t  900 kB\nVmRSS:\t   123456 kB\nThreads: 9\n")
	if err != nil || kib != 123456 {
		t.Errorf("parseVmRSS = %d, %v; want 123456", kib, err)
	}
	if _, err := parseVmRSS("Name:\tx\n"); err == nil {
		t.Error("parseVmRSS of a status without VmRSS: no error")
	}
	tests := []struct {
		log  string
		want bool
	}{
		{log: `{"level":"info","msg":"denied"}`, want: false},
		{log: "panic: runtime error: index out of range\n\ngoroutine 1 [running]:\n", want: true},
		{log: `{"level":"error","msg":"Observed a panic"}`, want: true},
		{log: "[controller-runtime] log.SetLogger(...) was never called\nDetected at:\n\t>  goroutine 1580 [running]:\n", want: false},
		{log: "2026/12/07 http: panic serving 127.0.0.1:5: boom\n", want: true},
	}
	for _, tt := range tests {
		if got := hasPanic(tt.log); got != tt.want {
			t.Errorf("hasPanic(%q) = %t, want %t", tt.log, got, tt.want)
		}
	}
}

func TestFailures(t *testing.T) {
	base := func() *result {
		return &result{outcomes: []outcome{{class: "c"}}, rssWarmup: 1000, rssEnd: 1100}
	}
	tests := []struct {
		name   string
		change func(*result)
		want   int
	}{
		{name: "all goals hold at exactly 10% growth", change: func(*result) {}, want: 0},
		{name: "RSS grew past 10%", change: func(r *result) { r.rssEnd = 1101 }, want: 1},
		{name: "malformed answer", change: func(r *result) { r.outcomes[0].problem = "x" }, want: 1},
		{name: "panic and exit", change: func(r *result) { r.panicked, r.exited = true, true }, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.change(r)
			if got := r.failures(0.10); len(got) != tt.want {
				t.Errorf("failures = %q, want %d", got, tt.want)
			}
		})
	}
}

func TestByClass(t *testing.T) {
	ms := func(v int) time.Duration { return time.Duration(v) * time.Millisecond }
	tests := []struct {
		name     string
		outcomes []outcome
		want     []classLatency
	}{
		{name: "none", outcomes: nil, want: []classLatency{}},
		{
			name: "each class on its own, sorted by class",
			outcomes: []outcome{
				{class: "violations/", latency: ms(3)},
				{class: "compliant/", latency: ms(2)},
				{class: "garbage/3MiB", latency: ms(90)},
				{class: "compliant/", latency: ms(1)},
				{class: "compliant/", latency: ms(5)},
			},
			want: []classLatency{
				{class: "compliant/", count: 3, p50: ms(2), p99: ms(5), max: ms(5)},
				{class: "garbage/3MiB", count: 1, p50: ms(90), p99: ms(90), max: ms(90)},
				{class: "violations/", count: 1, p50: ms(3), p99: ms(3), max: ms(3)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := byClass(tt.outcomes); !slices.Equal(got, tt.want) {
				t.Errorf("byClass = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPrintNamesEveryClass(t *testing.T) {
	r := &result{outcomes: []outcome{
		{class: "compliant/", latency: time.Millisecond, code: "200", verdict: "allowed"},
		{class: "garbage/deep-nesting", latency: 40 * time.Millisecond, code: "400", verdict: "http 400"},
	}, elapsed: time.Second}
	var b strings.Builder
	r.print(&b)
	for _, want := range []string{"latency         p50", "latency by class", "compliant/", "garbage/deep-nesting", "p99 40ms"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
