package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

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

// fingerprintKey names slotcheck's partial fingerprint; the suffix is bumped
// if what it hashes ever changes.
const fingerprintKey = "slotcheck/v1"

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
	log, err := buildSARIF(rep, opts)
	if err != nil {
		return err
	}
	return writeLean(w, log)
}

// buildSARIF builds the log that SARIF writes.
func buildSARIF(rep *scan.Report, opts SARIFOptions) (*sarif.Report, error) {
	root := opts.Root
	if root == "" {
		root = repositoryRoot()
	}
	run := sarif.NewRun()
	driver := sarif.NewToolComponent()
	driver.Name = ptr("slotcheck")
	driver.FullName = ptr("slotcheck deployment standard checker")
	driver.Version = ptr(opts.Version)
	driver.SemanticVersion = ptr(semver(opts.Version))
	driver.InformationURI = ptr(version.Repository)
	run.Tool = sarif.NewTool()
	run.Tool.Driver = driver
	run.ColumnKind = ptr("unicodeCodePoints")
	run.OriginalUriBaseIds = map[string]sarif.ArtifactLocation{}

	index := map[string]int{}
	for _, r := range rep.Evaluated(opts.Rules) {
		index[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, descriptor(r))
	}
	results := newResultBuilder(root)
	for n := range rep.Findings {
		f := &rep.Findings[n]
		if f.Suppressed {
			continue
		}
		i, ok := index[f.Rule.ID]
		if !ok {
			return nil, fmt.Errorf("sarif: finding of rule %s that was not evaluated", f.Rule.ID)
		}
		run.Results = append(run.Results, results.result(f, i))
	}

	inv := sarif.NewInvocation()
	inv.ExecutionSuccessful = ptr(true)
	for _, e := range rep.Errors {
		n := sarif.NewNotification()
		n.Level = "error"
		n.Message = &sarif.Message{Text: ptr(e.Message), Arguments: []string{}}
		n.Descriptor = sarif.NewReportingDescriptorReference()
		n.Descriptor.ID = ptr("input-error")
		if e.File != source.StdinName {
			loc := sarif.NewLocation()
			loc.PhysicalLocation = sarif.NewPhysicalLocation()
			loc.PhysicalLocation.ArtifactLocation = results.artifact(e.File)
			if e.Line > 0 {
				region := sarif.NewRegion()
				region.StartLine = ptr(e.Line)
				if e.Column > 0 {
					region.StartColumn = ptr(e.Column)
				}
				loc.PhysicalLocation.Region = region
			}
			n.Locations = append(n.Locations, loc)
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = append(run.Invocations, inv)

	category := strings.TrimSuffix(opts.Category, "/")
	if category == "" {
		category = "slotcheck"
	}
	run.AutomationDetails = sarif.NewRunAutomationDetails()
	run.AutomationDetails.ID = ptr(category + "/")

	log := sarif.NewReport()
	log.AddRun(run)
	return log, nil
}

// unsetSentinel reports whether SARIF gives the property -1 as its "unset" value.
func unsetSentinel(key string) bool {
	switch key {
	case "index", "parentIndex", "id", "byteOffset", "charOffset", "rank":
		return true
	}
	return false
}

// lean strips, in place, what SARIF defines as unset from decoded go-sarif output:
// go-sarif's structs write every index field (as -1, the "unset" sentinel),
// byte and char offsets, rank and every empty array, which the SARIF
// Multitool reports as SARIF2004 warnings and which only bloat the log that
// code scanning uploads. results stays even when empty, as GitHub expects.
func lean(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if n, ok := val.(json.Number); ok && n.String() == "-1" && unsetSentinel(k) {
				delete(x, k)
				continue
			}
			val = lean(val)
			switch c := val.(type) {
			case []any:
				if len(c) == 0 && k != "results" {
					delete(x, k)
					continue
				}
			case map[string]any:
				if len(c) == 0 {
					delete(x, k)
					continue
				}
			}
			x[k] = val
		}
		return x
	case []any:
		for i := range x {
			x[i] = lean(x[i])
		}
		return x
	}
	return v
}

func descriptor(r *rules.Rule) *sarif.ReportingDescriptor {
	d := sarif.NewReportingDescriptor()
	d.ID = ptr(r.ID)
	d.Name = ptr(pascal(r.Title))
	d.ShortDescription = text(r.Title)
	d.FullDescription = text(r.Description)
	help := sarif.NewMultiformatMessageString()
	help.Text = ptr(fmt.Sprintf("%s\n\nHow to fix: %s\n\nStandard section: %s.", r.Description, r.Remediation, r.Section))
	help.Markdown = ptr(fmt.Sprintf("%s\n\n**How to fix:** %s\n\n**Standard section:** %s.\n\nExempt one object with the annotation `slotcheck.slotwise.com/exempt-%s: \"<reason>\"`.",
		r.Description, r.Remediation, r.Section, r.ID))
	d.Help = help
	d.HelpURI = ptr(version.RulesDoc + "#" + r.Anchor())
	conf := sarif.NewReportingConfiguration()
	conf.Level = string(r.Severity)
	d.DefaultConfiguration = conf
	props := sarif.NewPropertyBag()
	props.Tags = append([]string{"kubernetes"}, r.Tags...)
	for _, t := range r.Tags {
		if t == "security" {
			props.Add("security-severity", securitySeverity(r.Severity))
		}
	}
	props.Add("section", r.Section)
	d.Properties = props
	return d
}

// resultBuilder turns findings into results, computing once what many
// findings share: a file's URI, an object's name, the constant strings.
// Results share those strings and point into the findings' own, so the log
// must be written before the report changes.
type resultBuilder struct {
	root string
	// uris holds each file's URI, as relativeURI reads the working
	// directory and the file system.
	uris map[string]*string
	// object is the last object named, as findings come sorted by file and
	// an object's findings mostly follow one another.
	kind, namespace, name string
	object                *string
	// hash is the buffer Fingerprint's input is written to.
	hash []byte
	// The constant strings, shared by every result.
	srcRoot, resource, member *string
}

func newResultBuilder(root string) *resultBuilder {
	return &resultBuilder{
		root:     root,
		uris:     map[string]*string{},
		srcRoot:  ptr("%SRCROOT%"),
		resource: ptr("resource"),
		member:   ptr("member"),
	}
}

func (b *resultBuilder) result(f *scan.Finding, ruleIndex int) *sarif.Result {
	res := sarif.NewResult()
	res.RuleID = &f.Rule.ID
	res.RuleIndex = ruleIndex
	res.Level = string(f.Severity)
	res.Message = &sarif.Message{Text: &f.Message, Arguments: []string{}}

	loc := sarif.NewLocation()
	loc.PhysicalLocation = sarif.NewPhysicalLocation()
	// A file inside a subchart's archive has no lines in the repository:
	// the artifact is the archive, at its first line (code scanning wants
	// a line), and the place inside it goes in the message and a property.
	archive, entry, packed := source.SplitArchive(f.File)
	loc.PhysicalLocation.ArtifactLocation = b.artifact(archive)
	region := sarif.NewRegion()
	line, col, end := f.Line, f.Column, max(f.EndColumn, f.Column+1)
	if packed {
		line, col, end = 1, 1, 2
		res.Message.Text = ptr(fmt.Sprintf("%s (in the archive at %s:%d:%d)", f.Message, entry, f.Line, f.Column))
	}
	region.StartLine, region.EndLine = &line, &line
	region.StartColumn, region.EndColumn = &col, &end
	loc.PhysicalLocation.Region = region
	if b.object == nil || f.Kind != b.kind || f.Namespace != b.namespace || f.Name != b.name {
		b.kind, b.namespace, b.name = f.Kind, f.Namespace, f.Name
		b.object = ptr(Object(f.Kind, f.Namespace, f.Name))
	}
	ll := sarif.NewLogicalLocation()
	ll.Name = &f.Name
	ll.FullyQualifiedName = b.object
	ll.Kind = b.resource
	loc.LogicalLocations = append(loc.LogicalLocations, ll)
	if f.Container != "" {
		c := sarif.NewLogicalLocation()
		c.Name = &f.Container
		c.FullyQualifiedName = ptr(*b.object + "/" + f.Container)
		c.Kind = b.member
		loc.LogicalLocations = append(loc.LogicalLocations, c)
	}
	res.Locations = append(res.Locations, loc)
	res.PartialFingerprints = map[string]string{fingerprintKey: fingerprint(&b.hash, f)}
	props := sarif.NewPropertyBag()
	props.Add("environment", f.Environment)
	props.Add("field", f.FieldPath)
	if packed {
		props.Add("archiveEntry", fmt.Sprintf("%s:%d:%d", entry, f.Line, f.Column))
	}
	res.Properties = props
	return res
}

// artifact is the location of a reported file.
func (b *resultBuilder) artifact(file string) *sarif.ArtifactLocation {
	uri, ok := b.uris[file]
	if !ok {
		uri = ptr(relativeURI(file, b.root))
		b.uris[file] = uri
	}
	a := sarif.NewArtifactLocation()
	a.URI = uri
	a.URIBaseID = b.srcRoot
	return a
}

// Fingerprint identifies a finding across commits: the rule, the file, the
// object and the field, never the line, so that an alert survives edits
// above it.
func Fingerprint(f scan.Finding) string {
	var buf []byte
	return fingerprint(&buf, &f)
}

// fingerprint is Fingerprint with the hash's input written into *buf,
// which it keeps for the next call.
func fingerprint(buf *[]byte, f *scan.Finding) string {
	in := (*buf)[:0]
	for _, part := range [...]string{f.Rule.ID, f.File, f.Kind, f.Namespace, f.Name, f.Container, f.FieldPath} {
		in = append(append(in, part...), 0)
	}
	*buf = in
	sum := sha256.Sum256(in)
	var out [32]byte
	hex.Encode(out[:], sum[:len(out)/2])
	return string(out[:])
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
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd
		}
		dir = parent
	}
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

func text(s string) *sarif.MultiformatMessageString {
	m := sarif.NewMultiformatMessageString()
	m.Text = ptr(s)
	return m
}

func ptr[T any](v T) *T { return &v }
