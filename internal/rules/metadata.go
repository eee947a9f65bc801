package rules

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

// metadataBlock is a rule package's METADATA block. OPA reads it leniently (a
// misspelt key is dropped, a number passes for a string); slotcheck decodes it
// again into these types, refusing any key they do not name, so that a typo
// fails the load instead of silently changing what the rule does.
type metadataBlock struct {
	Title       string        `yaml:"title"`
	Description string        `yaml:"description"`
	Custom      *ruleMetadata `yaml:"custom"`
	Scope       string        `yaml:"scope"`
	// OPA's own keys, which OPA checks and slotcheck does not read.
	Entrypoint       any `yaml:"entrypoint"`
	Organizations    any `yaml:"organizations"`
	RelatedResources any `yaml:"related_resources"`
	Authors          any `yaml:"authors"`
	Schemas          any `yaml:"schemas"`
	Compile          any `yaml:"compile"`
	Labels           any `yaml:"labels"`
}

// ruleMetadata is the custom block: what policies/README.md lets a rule declare.
type ruleMetadata struct {
	ID                  string            `yaml:"id"`
	Severity            string            `yaml:"severity"`
	Section             string            `yaml:"section"`
	Remediation         string            `yaml:"remediation"`
	Environments        []string          `yaml:"environments"`
	EnvironmentSeverity map[string]string `yaml:"environment_severity"`
	Tags                []string          `yaml:"tags"`
	Reads               []Read            `yaml:"reads"`
	Judges              []Judged          `yaml:"judges"`
	Admission           *bool             `yaml:"admission"`
}

// MetadataError is one problem of a rule's METADATA, at a line of its file.
type MetadataError struct {
	File string
	Line int
	Msg  string
}

// Error is file:line: message, as compilers write it.
func (e *MetadataError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// ruleID is what Engine.Rule can find: it looks ids up in upper case.
var ruleID = regexp.MustCompile(`^[A-Z][A-Z0-9]*$`)

// ReadRule reads the rule that file of fsys declares, holding its METADATA to
// the contract of policies/README.md. Every problem found is returned, each a
// *MetadataError naming the file and the line of the offending key.
func ReadRule(fsys fs.FS, file string) (*Rule, error) {
	m, err := parseModule(fsys, file)
	if err != nil {
		return nil, err
	}
	r, _, errs := ruleFromModule(file, m)
	errs = append(errs, checkNoWith(file, m)...)
	if len(errs) > 0 {
		return nil, joinMetadataErrors(errs)
	}
	return r, nil
}

// readRules reads the rule of every package outside lib, sorted by id; the
// files named in custom are the user's, which must be rule packages.
// Problems of every file are returned together, sorted by file and line.
func readRules(modules map[string]*ast.Module, custom map[string]bool) ([]*Rule, error) {
	var (
		out  []*Rule
		errs []*MetadataError
	)
	tree := treeCheck{ids: map[string]firstSeen{}, kinds: map[string]firstSeen{}, versions: map[string]firstSeen{}}
	// Built-in files first, so that an id taken twice is blamed on the
	// custom rule that takes a built-in's.
	files := slices.SortedFunc(maps.Keys(modules), func(a, b string) int {
		if custom[a] != custom[b] {
			return cmp.Compare(boolRank(custom[a]), boolRank(custom[b]))
		}
		return strings.Compare(a, b)
	})
	for _, file := range files {
		m := modules[file]
		errs = append(errs, checkNoWith(file, m)...)
		if custom[file] {
			if e := checkCustomPackage(file, m); e != nil {
				errs = append(errs, e)
				continue
			}
		}
		if strings.HasPrefix(m.Package.Path.String(), "data.lib.") {
			continue
		}
		r, lines, problems := ruleFromModule(file, m)
		if len(problems) == 0 {
			r.Custom = custom[file]
			if !r.Custom {
				r.helpURL = r.builtinHelpURL()
			}
			problems = tree.add(r, lines)
		}
		if len(problems) > 0 {
			errs = append(errs, problems...)
			continue
		}
		out = append(out, r)
	}
	if len(errs) > 0 {
		return nil, joinMetadataErrors(errs)
	}
	slices.SortFunc(out, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// treeCheck checks what no single file can show: an id declared twice, a
// kind read with different apiVersions or scopes (input.inventory holds
// one list per kind, and the webhook watches it once), and a kind read or
// judged at different apiVersions (a cluster audit lists it once).
type treeCheck struct {
	ids, kinds map[string]firstSeen
	// versions holds where each kind read or judged was first named.
	versions map[string]firstSeen
}

// firstSeen is where an id or a kind read was declared first.
type firstSeen struct {
	file string
	line int
	read Read
	// apiVersion is the version the kind was first read or judged at.
	apiVersion string
}

func (t treeCheck) add(r *Rule, lines lineIndex) []*MetadataError {
	line := lines.at("custom.id")
	if first, dup := t.ids[r.ID]; dup {
		return []*MetadataError{{r.File, line, fmt.Sprintf("rule id %s is declared twice: first at %s:%d", r.ID, first.file, first.line)}}
	}
	t.ids[r.ID] = firstSeen{file: r.File, line: line}
	var errs []*MetadataError
	for i, rd := range r.Reads {
		line := lines.at(fmt.Sprintf("custom.reads[%d]", i))
		first, ok := t.kinds[rd.Kind]
		switch {
		case !ok:
			t.kinds[rd.Kind] = firstSeen{file: r.File, line: line, read: rd}
		case first.read != rd:
			errs = append(errs, &MetadataError{r.File, line, fmt.Sprintf(
				"custom.reads: %s read as %s with scope %s, but %s:%d reads it as %s with scope %s; input.inventory holds one list per kind",
				rd.Kind, rd.APIVersion, rd.Scope, first.file, first.line, first.read.APIVersion, first.read.Scope)})
		}
		errs = append(errs, t.version(r.File, line, "custom.reads", rd.Kind, rd.APIVersion)...)
	}
	for i, j := range r.Judges {
		errs = append(errs, t.version(r.File, lines.at(fmt.Sprintf("custom.judges[%d]", i)), "custom.judges", j.Kind, j.APIVersion)...)
	}
	return errs
}

// version checks that a kind is named at the apiVersion it was named at
// first, by any rule's reads or judges.
func (t treeCheck) version(file string, line int, key, kind, apiVersion string) []*MetadataError {
	first, ok := t.versions[kind]
	switch {
	case !ok:
		t.versions[kind] = firstSeen{file: file, line: line, apiVersion: apiVersion}
	case first.apiVersion != apiVersion:
		return []*MetadataError{{file, line, fmt.Sprintf(
			"%s: %s named as %s, but %s:%d names it as %s; a cluster audit lists each kind at one version",
			key, kind, apiVersion, first.file, first.line, first.apiVersion)}}
	}
	return nil
}

// ruleFromModule decodes the package METADATA of one module into a Rule.
// lines gives the file line of each key it decoded, by path (custom.id).
func ruleFromModule(file string, m *ast.Module) (*Rule, lineIndex, []*MetadataError) {
	pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
	var a *ast.Annotations
	for _, x := range m.Annotations {
		if x.Scope == "package" {
			a = x
		}
	}
	if a == nil {
		return nil, nil, []*MetadataError{{file, m.Package.Location.Row, "package " + pkg + " has no METADATA block"}}
	}
	d := &metadataDecoder{file: file, lines: lineIndex{"": a.Location.Row}}
	var block metadataBlock
	if root := blockNode(d, m.Comments, a); root != nil {
		d.decode(root, &block)
	}
	r := d.rule(pkg, &block)
	if len(d.errs) > 0 {
		return nil, nil, d.errs
	}
	if len(a.RelatedResources) > 0 && a.RelatedResources[0].Ref != (url.URL{}) {
		r.RelatedURL = a.RelatedResources[0].Ref.String()
	}
	return r, d.lines, nil
}

// blockNode parses the METADATA block's YAML as OPA does (the comment lines
// after # METADATA, less one leading space), keeping the nodes' lines so that
// a problem can be shown where it is written.
func blockNode(d *metadataDecoder, comments []*ast.Comment, a *ast.Annotations) *yaml.Node {
	start, end := a.Location.Row, a.EndLoc().Row
	var b strings.Builder
	for _, c := range comments {
		if row := c.Location.Row; row > start && row <= end && c.Location.Col == 1 {
			b.WriteString(strings.TrimPrefix(string(c.Text), " "))
			b.WriteByte('\n')
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &doc); err != nil {
		d.fail(start, "METADATA is not YAML: %v", err)
		return nil
	}
	if len(doc.Content) == 0 {
		d.fail(start, "METADATA block is empty")
		return nil
	}
	// Line n of the YAML is the n-th comment line after # METADATA.
	d.base = start
	return doc.Content[0]
}

// rule checks the decoded block against the contract and builds the Rule.
func (d *metadataDecoder) rule(pkg string, b *metadataBlock) *Rule {
	r := &Rule{
		Title:       strings.TrimSpace(b.Title),
		Description: unwrap(b.Description),
		Package:     pkg,
		Domain:      strings.SplitN(pkg, ".", 2)[0],
		File:        d.file,
		Admission:   true,
	}
	if r.Title == "" && !d.broken("title") {
		d.fail(d.lines.at("title"), "title is missing")
	}
	if r.Description == "" && !d.broken("description") {
		d.fail(d.lines.at("description"), "description is missing")
	}
	c := b.Custom
	if c == nil {
		if !d.broken("custom") {
			d.fail(d.lines.at("custom"), "custom is missing: a rule declares id, severity, section, remediation and environments")
		}
		return r
	}
	d.required(r, c)
	d.environments(r, c)
	r.Tags = d.tags(c.Tags)
	r.Reads = d.reads(c.Reads)
	r.CrossObject = len(r.Reads) > 0
	r.Judges = d.judges(c.Judges)
	if c.Admission != nil {
		r.Admission = *c.Admission
	}
	return r
}

// required reads the keys every rule declares.
func (d *metadataDecoder) required(r *Rule, c *ruleMetadata) {
	required := func(key, v string) string {
		v = strings.TrimSpace(v)
		if v == "" && !d.broken("custom."+key) {
			d.fail(d.lines.at("custom."+key), "custom.%s is missing", key)
		}
		return v
	}
	r.ID = required("id", c.ID)
	if r.ID != "" && !ruleID.MatchString(r.ID) {
		d.fail(d.lines.at("custom.id"), "custom.id %q: want upper-case letters and digits, e.g. SEC001", r.ID)
	}
	r.Section = required("section", c.Section)
	r.Remediation = unwrap(required("remediation", c.Remediation))
	if s := required("severity", c.Severity); s != "" {
		r.Severity = d.severity("custom.severity", s)
	}
}

// environments reads where the rule applies and its severity in each.
func (d *metadataDecoder) environments(r *Rule, c *ruleMetadata) {
	if len(c.Environments) == 0 && !d.broken("custom.environments") {
		d.fail(d.lines.at("custom.environments"), "custom.environments must list where the rule applies: %s", strings.Join(Environments(), ", "))
	}
	for i, env := range c.Environments {
		if key := fmt.Sprintf("custom.environments[%d]", i); !d.broken(key) && d.environment(key, env) {
			r.Environments = append(r.Environments, env)
		}
	}
	for _, env := range slices.Sorted(maps.Keys(c.EnvironmentSeverity)) {
		key := "custom.environment_severity." + env
		if !d.broken(key) && d.environment(key, env) {
			if r.EnvironmentSeverity == nil {
				r.EnvironmentSeverity = map[string]Severity{}
			}
			r.EnvironmentSeverity[env] = d.severity(key, c.EnvironmentSeverity[env])
		}
	}
}

func (d *metadataDecoder) tags(in []string) []string {
	var out []string
	for i, tag := range in {
		switch key := fmt.Sprintf("custom.tags[%d]", i); {
		case d.broken(key):
		case strings.TrimSpace(tag) == "":
			d.fail(d.lines.at(key), "%s is empty", key)
		default:
			out = append(out, tag)
		}
	}
	return out
}

func (d *metadataDecoder) severity(key, s string) Severity {
	sev, err := ParseSeverity(s)
	if err != nil {
		d.fail(d.lines.at(key), "%s: %v", key, err)
	}
	return sev
}

func (d *metadataDecoder) environment(key, env string) bool {
	if !slices.Contains(Environments(), env) {
		d.fail(d.lines.at(key), "%s: unknown environment %q: want %s", key, env, strings.Join(Environments(), ", "))
		return false
	}
	return true
}

// reads checks each kind a rule reads: a kind named once, a well-formed
// apiVersion, and a scope the inventory knows.
func (d *metadataDecoder) reads(in []Read) []Read {
	var out []Read
	kinds := map[string]bool{}
	for i, rd := range in {
		key := fmt.Sprintf("custom.reads[%d]", i)
		if d.broken(key) {
			continue
		}
		ok := true
		switch gv, err := schema.ParseGroupVersion(rd.APIVersion); {
		case rd.Kind == "":
			d.fail(d.lines.at(key), "%s.kind is missing", key)
			ok = false
		case kinds[rd.Kind]:
			d.fail(d.lines.at(key+".kind"), "%s: kind %s is read twice", key, rd.Kind)
			ok = false
		case rd.APIVersion == "" || err != nil || gv.Version == "":
			d.fail(d.lines.at(key+".apiVersion"), "%s.apiVersion %q: want group/version, or v1 for the core group", key, rd.APIVersion)
			ok = false
		case !knownKind(gv.WithKind(rd.Kind)):
			d.fail(d.lines.at(key+".kind"), "%s: Kubernetes has no kind %s in %s", key, rd.Kind, rd.APIVersion)
			ok = false
		}
		if rd.Scope != ScopeNamespace && rd.Scope != ScopeCluster {
			d.fail(d.lines.at(key+".scope"), "%s.scope %q: want %s (objects of the target's namespace) or %s (of every namespace)", key, rd.Scope, ScopeNamespace, ScopeCluster)
			ok = false
		}
		kinds[rd.Kind] = true
		if ok {
			out = append(out, rd)
		}
	}
	return out
}

// judges checks each kind a rule judges: a kind named once, with a
// well-formed apiVersion.
func (d *metadataDecoder) judges(in []Judged) []Judged {
	var out []Judged
	kinds := map[string]bool{}
	for i, j := range in {
		key := fmt.Sprintf("custom.judges[%d]", i)
		if d.broken(key) {
			continue
		}
		switch gv, err := schema.ParseGroupVersion(j.APIVersion); {
		case j.Kind == "":
			d.fail(d.lines.at(key), "%s.kind is missing", key)
		case kinds[j.Kind]:
			d.fail(d.lines.at(key+".kind"), "%s: kind %s is judged twice", key, j.Kind)
		case j.APIVersion == "" || err != nil || gv.Version == "":
			d.fail(d.lines.at(key+".apiVersion"), "%s.apiVersion %q: want group/version, or v1 for the core group", key, j.APIVersion)
		default:
			out = append(out, j)
		}
		kinds[j.Kind] = true
	}
	return out
}

// joinMetadataErrors sorts problems by file and line and joins them.
func joinMetadataErrors(errs []*MetadataError) error {
	slices.SortStableFunc(errs, func(a, b *MetadataError) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// knownKind reports whether a kind read may exist: one Kubernetes serves in
// its API group and version, or any kind of a group Kubernetes does not
// serve (a custom resource's, such as monitoring.coreos.com), which only
// the cluster knows. Kubernetes' own groups are unqualified (apps) or end
// in .k8s.io; client-go's scheme, which a process may add custom types to,
// says which of those it serves.
func knownKind(gvk schema.GroupVersionKind) bool {
	g := gvk.Group
	own := g == "" || !strings.Contains(g, ".") || strings.HasSuffix(g, ".k8s.io")
	if !own || !scheme.Scheme.IsGroupRegistered(g) {
		return true
	}
	return scheme.Scheme.Recognizes(gvk)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
