package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// outcome is what became of one review.
type outcome struct {
	class string
	// at is when the review was due, from the start of the soak.
	at      time.Duration
	latency time.Duration // from when the review was due, not when it left
	// late is how long after it was due the client began to send it: the
	// client's own delay (its scheduling, its collector, a full -inflight),
	// which counts in latency but is no fault of the webhook's.
	late time.Duration
	// newConn says the review opened a connection (a TCP connect and a TLS
	// handshake) rather than reusing an idle one.
	newConn bool
	code    string // the HTTP status, or "no answer"
	verdict string
	problem string // why the answer is malformed; empty when well-formed
}

// soak sends opts.n reviews on an open-loop schedule: review i is due at
// start + i/rate whatever became of the earlier ones, and its latency runs
// from that moment, so a slow webhook cannot hide its slowness by slowing
// the sender (coordinated omission). At most opts.inflight are in flight;
// past that, sending waits and the wait counts.
func soak(ctx context.Context, t *target, gen *generator, opts options) *result {
	res := &result{}
	outcomes := make([]outcome, opts.n)
	sent := 0
	var (
		wg       sync.WaitGroup
		answered atomic.Int64
		sem      = make(chan struct{}, opts.inflight)
		interval = float64(time.Second) / opts.rate
	)
	cpu := processCPU()
	start := time.Now()
	res.start = start
	sampler, stopSampler, sampled := newSampler(newProcSampler("/proc", t.pid)), make(chan struct{}), make(chan samples, 1)
	go sampler.run(stopSampler, sampled)
	for i := range opts.n {
		due := start.Add(time.Duration(float64(i) * interval))
		if !waitUntil(ctx, due) || !acquire(ctx, sem) {
			break
		}
		sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := gen.review(i)
			outcomes[i] = send(ctx, t.client, t.url, r, due)
			outcomes[i].at = due.Sub(start)
			<-sem
			if answered.Add(1) == int64(opts.warmup) {
				res.rssWarmup, res.rssWarmupErr = t.rss()
			}
		}()
	}
	wg.Wait()
	res.outcomes = outcomes[:sent]
	res.elapsed = time.Since(start)
	close(stopSampler)
	res.samples = <-sampled
	res.clientCPU = processCPU() - cpu
	res.rssEnd, res.rssEndErr = t.rss()
	return res
}

// waitUntil waits for due; false when ctx ends first.
func waitUntil(ctx context.Context, due time.Time) bool {
	d := time.Until(due)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// acquire takes a place in sem; false when ctx ends first.
func acquire(ctx context.Context, sem chan struct{}) bool {
	select {
	case sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// send posts one review and judges the answer.
func send(ctx context.Context, client *http.Client, url string, r review, due time.Time) outcome {
	late := time.Since(due)
	var newConn bool
	trace := &httptrace.ClientTrace{GotConn: func(c httptrace.GotConnInfo) { newConn = !c.Reused }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, url, bytes.NewReader(r.body))
	if err != nil {
		return outcome{class: r.class, code: "no answer", problem: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return outcome{class: r.class, latency: time.Since(due), late: late, newConn: newConn, code: "no answer", problem: err.Error()}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	o := judge(r, resp.StatusCode, body)
	o.latency, o.late, o.newConn = time.Since(due), late, newConn
	if err != nil {
		o.problem = fmt.Sprintf("reading the body: %v", err)
	}
	return o
}

// judge tells whether an answer is well-formed, as FuzzHandler in
// internal/admission defines it: a 200 carrying an AdmissionReview with a
// response that is no server error (and echoes the request's UID when the
// request had a readable one), or a 4xx with a body saying why. Anything
// else, a 5xx above all, is malformed. An answer to a request too broken to
// read carries no apiVersion and kind (controller-runtime does not know
// which to echo); that is well-formed and shows in its verdict.
func judge(r review, code int, body []byte) outcome {
	o := outcome{class: r.class, code: fmt.Sprint(code), verdict: fmt.Sprintf("http %d", code)}
	switch {
	case code == http.StatusOK:
		var got admissionv1.AdmissionReview
		if err := json.Unmarshal(body, &got); err != nil {
			o.problem = fmt.Sprintf("200 whose body is not an AdmissionReview: %v", err)
			return o
		}
		if got.Response == nil {
			o.problem = "200 with no response"
			return o
		}
		o.verdict = verdict(got.Response)
		if got.APIVersion != "admission.k8s.io/v1" || got.Kind != "AdmissionReview" {
			o.verdict += fmt.Sprintf(" (envelope %q %q)", got.APIVersion, got.Kind)
		}
		switch {
		case r.uid != "" && string(got.Response.UID) != r.uid:
			o.problem = fmt.Sprintf("response UID %q for request %q", got.Response.UID, r.uid)
		case got.Response.Result != nil && got.Response.Result.Code >= 500:
			o.problem = fmt.Sprintf("server error %d: %.200s", got.Response.Result.Code, got.Response.Result.Message)
		}
	case code >= 400 && code < 500:
		if len(bytes.TrimSpace(body)) == 0 {
			o.problem = fmt.Sprintf("%d without a body", code)
		}
	default:
		o.problem = fmt.Sprintf("HTTP %d: %.200s", code, body)
	}
	return o
}

// verdict names an admission response: allowed, or denied with the code
// of its status (403 a policy denial, 400 a request the webhook could not
// read, 500 one it could not judge).
func verdict(r *admissionv1.AdmissionResponse) string {
	switch {
	case r.Allowed && len(r.Warnings) > 0:
		return "allowed with warnings"
	case r.Allowed:
		return "allowed"
	case r.Result == nil:
		return "denied"
	}
	return fmt.Sprintf("denied %d", r.Result.Code)
}
