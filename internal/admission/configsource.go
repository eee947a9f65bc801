package admission

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// ConfigSourceOptions say where the webhook's configuration file is and
// how it is checked.
type ConfigSourceOptions struct {
	// Path is the file (--config); reports name it as written.
	Path string
	// Known reports whether a rule id exists: a file naming an unknown
	// rule is refused, as the CLI refuses it.
	Known func(id string) bool
	// WorkloadKinds are the policies' own workload kinds
	// (rules.Engine.WorkloadKinds): a file that names one under workloads
	// is refused, as the CLI refuses it.
	WorkloadKinds []string
	// Exemptions is the webhook's exemption mode: in annotations mode the
	// file's exemptions are left out when it is loaded.
	Exemptions ExemptionMode
	// Policies are the policy folders of the file the engine was built with
	// (config.File.PolicyDirs): rules compile once, when the webhook
	// starts, so a reload that names other folders is refused rather than
	// put in force with rules it does not have.
	Policies []string
	// Content, when not nil, is the file as the caller read it at start:
	// the first load parses it instead of reading the file again, so that
	// the rules the engine compiled (from Policies) and the configuration
	// first in force come from one version of the file.
	Content []byte
	// Poll is how often the file is read again besides the change
	// notifications, which a mount may not deliver; 0 means a minute.
	Poll time.Duration
	// Now is the clock of the last-load gauge; nil is time.Now.
	Now func() time.Time
}

// ConfigSource holds the webhook's configuration file and reloads it when
// it changes. Reviews read the current configuration through an atomic
// pointer, so each sees one whole file, never part of a reload; a file that
// does not load leaves the last good one in place.
type ConfigSource struct {
	opts    ConfigSourceOptions
	log     logr.Logger
	current atomic.Pointer[loadedConfig]
	metrics configMetrics

	// mu serialises loads; last is the content read last, good or bad, so
	// that a notification for an unchanged file reloads nothing.
	mu   sync.Mutex
	last []byte
	read bool
}

// loadedConfig is one successful load of the file.
type loadedConfig struct {
	conf *scan.Configuration
	// notes caches what the configuration rules say of the file's
	// exemptions, by day and environment (see exemptionNotes).
	notes sync.Map
}

// configMetrics count the loads of the configuration file.
type configMetrics struct {
	loads       *prometheus.CounterVec
	lastSuccess prometheus.Gauge
	healthy     prometheus.Gauge
}

// NewConfigSource loads the file once and registers the metrics of its
// reloads with reg. A file that does not load is an error naming each
// problem at its line: the webhook must not serve without the
// configuration it was given.
func NewConfigSource(opts ConfigSourceOptions, reg prometheus.Registerer, log logr.Logger) (*ConfigSource, error) {
	if opts.Poll <= 0 {
		opts.Poll = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &ConfigSource{opts: opts, log: log, metrics: configMetrics{
		loads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "slotcheck_config_loads_total",
			Help: "Loads of the configuration file (--config) by result: success, or failure (the last good configuration stays in force).",
		}, []string{"result"}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "slotcheck_config_last_success_timestamp_seconds",
			Help: "When the configuration file last loaded successfully, in seconds since the Unix epoch.",
		}),
		healthy: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "slotcheck_config_last_load_successful",
			Help: "1 when the last load of the configuration file succeeded, 0 when it failed and an older configuration is in force.",
		}),
	}}
	for _, c := range []prometheus.Collector{s.metrics.loads, s.metrics.lastSuccess, s.metrics.healthy} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	if _, err := s.firstLoad(); err != nil {
		return nil, err
	}
	return s, nil
}

// firstLoad loads opts.Content when given, and the file otherwise.
func (s *ConfigSource) firstLoad() (bool, error) {
	if s.opts.Content == nil {
		return s.Reload()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load(s.opts.Content, nil)
}

// snapshot is the configuration in force; nil on a nil source.
func (s *ConfigSource) snapshot() *loadedConfig {
	if s == nil {
		return nil
	}
	return s.current.Load()
}

// Current is the configuration in force, which the background audit reads
// once a pass, so that its reports judge as reviews do; nil on a nil
// source.
func (s *ConfigSource) Current() *scan.Configuration {
	if lc := s.snapshot(); lc != nil {
		return lc.conf
	}
	return nil
}

// Reload reads the file again and, when it changed and loads, puts it in
// force; changed says whether the content differed from the last read. A
// file that does not load is logged, counted and returned, and the last
// good configuration stays.
func (s *ConfigSource) Reload() (changed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, err := os.ReadFile(s.opts.Path)
	return s.load(src, err)
}

// load puts src, the file's content or err reading it, in force unless it
// is what was read last; s.mu is held.
func (s *ConfigSource) load(src []byte, err error) (changed bool, _ error) {
	if err == nil && s.read && bytes.Equal(src, s.last) {
		return false, nil
	}
	var conf *scan.Configuration
	if err == nil {
		s.last, s.read = src, true
		conf, err = s.parse(src)
	} else {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		err = fmt.Errorf("%s: configuration: %w", s.opts.Path, err)
		s.read = false
	}
	if err != nil {
		s.metrics.loads.WithLabelValues("failure").Inc()
		s.metrics.healthy.Set(0)
		if s.current.Load() != nil {
			s.log.Error(err, "configuration not reloaded: the last good configuration stays in force", "file", s.opts.Path)
		}
		return true, err
	}
	s.current.Store(&loadedConfig{conf: conf})
	s.metrics.loads.WithLabelValues("success").Inc()
	s.metrics.healthy.Set(1)
	s.metrics.lastSuccess.Set(float64(s.opts.Now().Unix()))
	s.log.Info("configuration loaded", "file", s.opts.Path, "exemptions", len(conf.File().Exemptions), "rules", len(conf.File().Rules))
	return true, nil
}

// parse decodes the file strictly and checks its rule ids; the error
// lists every problem, one a line, each at its line and column.
func (s *ConfigSource) parse(src []byte) (*scan.Configuration, error) {
	f, errs := config.Parse(src, s.opts.Path)
	if f != nil {
		// Policy folders are relative to the file, as lint reads them.
		dir, err := filepath.Abs(filepath.Dir(s.opts.Path))
		if err != nil {
			return nil, fmt.Errorf("%s: configuration: %w", s.opts.Path, err)
		}
		f.Dir = dir
	}
	if f != nil && s.opts.Known != nil {
		errs = append(errs, f.CheckRules(s.opts.Known)...)
	}
	if f != nil && s.opts.WorkloadKinds != nil {
		errs = append(errs, f.CheckWorkloads(s.opts.WorkloadKinds)...)
	}
	if f != nil {
		errs = append(errs, s.checkPolicies(f)...)
	}
	if len(errs) > 0 {
		list := make([]error, len(errs))
		for i, e := range errs {
			list[i] = e
		}
		return nil, errors.Join(list...)
	}
	if s.opts.Exemptions == ExemptionsAnnotations && len(f.Exemptions) > 0 {
		s.log.Info("the configuration's exemptions are not applied: --exemptions=annotations", "file", s.opts.Path, "exemptions", len(f.Exemptions))
		g := *f
		g.Exemptions = nil
		f = &g
	}
	return scan.NewConfiguration(f), nil
}

// Start watches the file's folder until ctx ends, reloading on every
// change: a ConfigMap mount replaces the file by swapping a symlink in the
// folder, which a watch of the file itself would miss. It also reads the
// file every Poll, in case a notification is lost, and polls only when the
// folder cannot be watched (inotify instances run out): the webhook keeps
// serving either way.
func (s *ConfigSource) Start(ctx context.Context) error {
	var events <-chan fsnotify.Event
	var errs <-chan error
	w, err := fsnotify.NewWatcher()
	if err == nil {
		defer w.Close()
		err = w.Add(filepath.Dir(s.opts.Path))
		events, errs = w.Events, w.Errors
	}
	if err != nil {
		s.log.Error(err, "cannot watch the configuration's folder: reading it every poll interval instead", "file", s.opts.Path, "poll", s.opts.Poll)
		events, errs = nil, nil
	}
	// A change made between the first load and the watch sends no event:
	// read the file once more now rather than at the first poll. The error
	// is logged and counted by Reload.
	_, _ = s.Reload()
	tick := time.NewTicker(s.opts.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-events:
		case err := <-errs:
			s.log.Error(err, "watching the configuration file")
			continue
		case <-tick.C:
		}
		// The error is logged and counted by Reload.
		_, _ = s.Reload()
	}
}

// NeedLeaderElection is false: every replica serves reviews with its own
// copy of the file.
func (s *ConfigSource) NeedLeaderElection() bool { return false }

// checkPolicies refuses a file whose policy folders are not those the
// engine compiled at start: their rules would silently not apply.
func (s *ConfigSource) checkPolicies(f *config.File) []source.Error {
	got := f.PolicyDirs()
	if slices.Equal(got, s.opts.Policies) {
		return nil
	}
	n := f.PoliciesNode()
	return []source.Error{{File: f.Path, Line: n.Line, Column: n.Column, Message: fmt.Sprintf(
		"policies: the webhook compiled its rules at start, with the policy folders %s; the file now names %s: restart the webhook to judge with them", displayDirs(s.opts.Policies), displayDirs(got))}}
}

// displayDirs lists folders with forward slashes, "none" for no folder.
func displayDirs(dirs []string) string {
	if len(dirs) == 0 {
		return "none"
	}
	out := make([]string, len(dirs))
	for i, d := range dirs {
		out[i] = filepath.ToSlash(d)
	}
	return strings.Join(out, ", ")
}
