package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/internal/version"
)

// SARIFOptions tunes the SARIF log.
type SARIFOptions struct {
	// Category distinguishes this analysis from others on the same commit
	// (automationDetails.id); slotcheck ends it with "/".
	Category string
	// Rules is every rule the engine knows; the log describes those the scan evaluated.
	Rules []*rules.Rule
	// Root is the repository root that artifact URIs are relative to; empty
	// means the nearest folder above the working directory holding .git.
	Root string
	// Version is the tool's version.
	Version string
}

// securitySeverity is what GitHub ranks security alerts by (a number, as a
// string): error is high, warning medium, note low.
func securitySeverity(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "8.0"
	case rules.SeverityWarning:
		return "5.0"
	}
	return "2.0"
}

// SARIF writes a SARIF 2.1.0 log for GitHub code scanning: one run, a rule
// descriptor for every evaluated rule, a result for every unsuppressed
// finding (GitHub ignores suppressions, so suppressed findings are left out),
// and input errors as tool execution notifications.
func SARIF(w io.Writer, rep *scan.Report, opts SARIFOptions) error {
	log, results, err := buildSARIF(rep, opts)
	if err != nil {
		return err
	}
	return writeSARIF(w, log, results)
}

// buildSARIF builds the log that SARIF writes, but for its results, which
// it yields one at a time, as a large log is nearly all results: each in
// the same variable, refilled, which a caller keeping them copies.
func buildSARIF(rep *scan.Report, opts SARIFOptions) (*sarifLog, iter.Seq[*sarifResult], error) {
	root := opts.Root
	if root == "" {
		root = repositoryRoot()
	}
	driver := sarifDriver{
		Contents:        []string{"localizedData", "nonLocalizedData"},
		FullName:        "slotcheck deployment standard checker",
		InformationURI:  version.Repository,
		Language:        "en-US",
		Name:            "slotcheck",
		SemanticVersion: semver(opts.Version),
		Version:         wellFormed(opts.Version),
	}
	index := map[string]int{}
	for _, r := range rep.Evaluated(opts.Rules) {
		index[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, descriptor(r))
	}
	for n := range rep.Len() {
		if rep.Suppressed(n) {
			continue
		}
		id := rep.At(n).Rule.ID
		if _, ok := index[id]; !ok {
			return nil, nil, fmt.Errorf("sarif: finding of rule %s that was not evaluated", id)
		}
	}
	b := newResultBuilder(root)
	b.cluster = rep.Cluster
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, e := range rep.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, b.notification(e))
	}
	category := strings.TrimSuffix(opts.Category, "/")
	if category == "" {
		category = "slotcheck"
	}
	log := &sarifLog{
		Schema:  "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			AutomationDetails: sarifID{ID: wellFormed(category + "/")},
			ColumnKind:        "unicodeCodePoints",
			Invocations:       []sarifInvocation{inv},
			Language:          "en-US",
			NewlineSequences:  []string{"\r\n", "\n"},
			Results:           []sarifResult{},
			Tool:              sarifTool{Driver: driver},
		}},
	}
	results := func(yield func(*sarifResult) bool) {
		var r sarifResult
		for n := range rep.Len() {
			if f := rep.At(n); !f.Suppressed {
				b.result(&r, &f, index[f.Rule.ID])
				if !yield(&r) {
					return
				}
			}
		}
	}
	return log, results, nil
}

func descriptor(r *rules.Rule) sarifRule {
	props := sarifRuleProperties{Section: wellFormed(r.Section), Tags: []string{"kubernetes"}}
	for _, t := range r.Tags {
		props.Tags = append(props.Tags, wellFormed(t))
		if t == "security" {
			props.SecuritySeverity = securitySeverity(r.Severity)
		}
	}
	return sarifRule{
		DefaultConfiguration: sarifConfiguration{Enabled: true, Level: wellFormed(string(r.Severity))},
		FullDescription:      sarifText{Text: wellFormed(r.Description)},
		Help: sarifHelp{
			Markdown: wellFormed(fmt.Sprintf("%s\n\n**How to fix:** %s\n\n**Standard section:** %s.\n\nExempt one object with the annotation `slotcheck.slotwise.com/exempt-%s: \"<reason>\"`.",
				r.Description, r.Remediation, r.Section, r.ID)),
			Text: wellFormed(fmt.Sprintf("%s\n\nHow to fix: %s\n\nStandard section: %s.", r.Description, r.Remediation, r.Section)),
		},
		HelpURI:          wellFormed(r.HelpURL()),
		ID:               wellFormed(r.ID),
		Name:             wellFormed(pascal(r.Title)),
		Properties:       props,
		ShortDescription: sarifText{Text: wellFormed(r.Title)},
	}
}

// resultBuilder turns findings into results, computing once what many
// findings share: a file's URI and an object's name.
type resultBuilder struct {
	root string
	// cluster: the findings are of objects read from a cluster, each named
	// by its File (namespace/Kind/name) and its field path, with no
	// physical location.
	cluster bool
	// uris holds each file's URI, as relativeURI reads the working
	// directory and the file system.
	uris map[string]string
	// object is the last object named, as findings come sorted by file and
	// an object's findings mostly follow one another.
	kind, namespace, name, object string
	// hash is the buffer Fingerprint's input is written to.
	hash []byte
}

func newResultBuilder(root string) *resultBuilder {
	return &resultBuilder{root: root, uris: map[string]string{}}
}

// result fills r with the result of f.
func (b *resultBuilder) result(r *sarifResult, f *scan.Finding, ruleIndex int) {
	// An audit's findings of its configuration file have lines: they are
	// placed in the file, as lint places them.
	cluster := b.cluster && f.Line <= 0
	if f.Kind != b.kind || f.Namespace != b.namespace || f.Name != b.name || b.object == "" {
		b.kind, b.namespace, b.name = f.Kind, f.Namespace, f.Name
		b.object = f.File
		if !cluster {
			b.object = source.ObjectName(f.Kind, f.Namespace, f.Name)
		}
		b.object = wellFormed(b.object)
	}
	logical := append(make([]sarifLogicalLocation, 0, 3), sarifLogicalLocation{
		FullyQualifiedName: b.object, Kind: "resource", Name: wellFormed(f.Name),
	})
	if f.Container != "" {
		logical = append(logical, sarifLogicalLocation{
			FullyQualifiedName: b.object + "/" + wellFormed(f.Container), Kind: "member", Name: wellFormed(f.Container),
		})
	}
	var physical *sarifPhysicalLocation
	if cluster {
		if f.FieldPath != "" {
			logical = append(logical, sarifLogicalLocation{
				FullyQualifiedName: b.object + "/" + wellFormed(f.FieldPath), Kind: "property", Name: wellFormed(f.FieldPath),
			})
		}
	} else {
		physical = &sarifPhysicalLocation{
			ArtifactLocation: b.artifact(f.File),
			Region:           sarifRegion{EndColumn: max(f.EndColumn, f.Column+1), EndLine: f.Line, StartColumn: f.Column, StartLine: f.Line},
		}
	}
	*r = sarifResult{
		Kind:  "fail",
		Level: wellFormed(string(f.Severity)),
		Locations: [1]sarifLocation{{
			LogicalLocations: logical,
			PhysicalLocation: physical,
		}},
		Message:             sarifText{Text: wellFormed(f.Message)},
		PartialFingerprints: sarifFingerprints{Slotcheck: fingerprint(&b.hash, f)},
		Properties:          sarifResultProperties{Environment: wellFormed(f.Environment), Field: wellFormed(f.FieldPath), Kustomization: wellFormed(f.Root)},
		RuleID:              wellFormed(f.Rule.ID),
		RuleIndex:           ruleIndex,
	}
	if archive, entry, packed := source.SplitArchive(f.File); packed && physical != nil {
		b.inArchive(r, archive, entry, f)
	}
}

// inArchive places a finding in a packed subchart's archive, which has no
// lines in the repository: the artifact is the archive at its first line
// (code scanning wants a line that exists), and the place inside it goes
// in the message and the archiveEntry property.
func (b *resultBuilder) inArchive(r *sarifResult, archive, entry string, f *scan.Finding) {
	place := fmt.Sprintf("%s:%d:%d", wellFormed(entry), f.Line, f.Column)
	phys := r.Locations[0].PhysicalLocation
	phys.ArtifactLocation = b.artifact(archive)
	phys.Region = sarifRegion{EndColumn: 2, EndLine: 1, StartColumn: 1, StartLine: 1}
	r.Message.Text += " (in the archive at " + place + ")"
	r.Properties.ArchiveEntry = place
}

// notification reports an input error; a region only when the line is known.
func (b *resultBuilder) notification(e source.Error) sarifNotification {
	n := sarifNotification{
		Descriptor: sarifID{ID: "input-error"},
		Level:      "error",
		Message:    sarifText{Text: wellFormed(e.Message)},
	}
	if e.File != source.StdinName && !b.cluster {
		loc := sarifNotificationLocation{}
		loc.PhysicalLocation.ArtifactLocation = b.artifact(e.File)
		if e.Line > 0 {
			loc.PhysicalLocation.Region = &sarifLineRegion{StartLine: e.Line}
			if e.Column > 0 {
				loc.PhysicalLocation.Region.StartColumn = e.Column
			}
		}
		n.Locations = []sarifNotificationLocation{loc}
	}
	return n
}

// artifact is the location of a reported file.
func (b *resultBuilder) artifact(file string) sarifArtifactLocation {
	uri, ok := b.uris[file]
	if !ok {
		uri = wellFormed(relativeURI(file, b.root))
		b.uris[file] = uri
	}
	return sarifArtifactLocation{URI: uri, URIBaseID: "%SRCROOT%"}
}

// wellFormed replaces each byte of s that is not UTF-8 by U+FFFD, as the
// log has always carried it, rather than leaving encoding/json to write
// the escape \ufffd.
func wellFormed(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}

// Fingerprint identifies a finding across commits: the rule, the file, the
// object, the field and the kustomization root it was rendered through,
// never the line, so that an alert survives edits above it. A finding
// outside any kustomization hashes no root, so its fingerprint is the one
// it had before roots were rendered.
func Fingerprint(f scan.Finding) string {
	var buf []byte
	return fingerprint(&buf, &f)
}

// fingerprint is Fingerprint with the hash's input written into *buf,
// which it keeps for the next call.
func fingerprint(buf *[]byte, f *scan.Finding) string {
	var out [32]byte
	return string(appendFingerprint(out[:0], buf, f))
}

// appendFingerprint appends Fingerprint(*f) to dst, 32 hexadecimal digits,
// with the hash's input written into *buf: the one place the fingerprint
// is computed, for the SARIF log, the JSON report and the baseline alike.
func appendFingerprint(dst []byte, buf *[]byte, f *scan.Finding) []byte {
	in := (*buf)[:0]
	for _, part := range [...]string{f.Rule.ID, f.File, f.Kind, f.Namespace, f.Name, f.Container, f.FieldPath} {
		in = append(append(in, part...), 0)
	}
	if f.Root != "" {
		in = append(append(in, f.Root...), 0)
	}
	*buf = in
	sum := sha256.Sum256(in)
	return hex.AppendEncode(dst, sum[:16])
}

// relativeURI writes a reported path relative to the repository root, as
// code scanning matches it against the files of the commit.
func relativeURI(file, root string) string {
	if file == source.StdinName {
		return "stdin"
	}
	if abs, err := filepath.Abs(filepath.FromSlash(file)); err == nil && root != "" {
		if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return strings.ReplaceAll(filepath.ToSlash(file), " ", "%20")
}

// repositoryRoot is the nearest folder from the working directory upwards
// that holds .git, else the working directory.
func repositoryRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if root, ok := source.RepositoryRoot(wd); ok {
		return root
	}
	return wd
}

var semverPrefix = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)`)

// semver is the semantic version in a version string, 0.0.0-dev when there is none.
func semver(v string) string {
	if m := semverPrefix.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return "0.0.0-dev"
}

// pascal turns a title into a rule name such as ContainersRunAsNonRoot.
func pascal(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
