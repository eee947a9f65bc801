// Package config reads slotcheck's configuration file, .slotcheck.yaml: rule
// tuning, paths to skip, exemptions with a reason and an expiry, the
// thresholds some rules read, extra workload kinds and policy folders. It
// decodes the file strictly, reporting every problem at its line and
// column, and knows nothing of how a scan applies it.
package config

import (
	"gopkg.in/yaml.v3"
)

// Kind names a configuration file where reports name an object, as
// Dockerfile names a Dockerfile.
const Kind = "SlotcheckConfig"

// Version is the only version of the file format slotcheck reads.
const Version = 1

// Names are the file names looked for, in order of preference.
var names = [...]string{".slotcheck.yaml", ".slotcheck.yml"}

// File is one configuration file as written.
type File struct {
	Version    int                     `yaml:"version" desc:"Format version of this file: 1." required:"true" enum:"1"`
	Rules      map[RuleID]RuleSettings `yaml:"rules" desc:"Per rule, by id: turn it off or change its severity."`
	Exclude    []Glob                  `yaml:"exclude" desc:"Files and folders to skip, as globs (the --exclude semantics): ** spans folders."`
	Exemptions []Exemption             `yaml:"exemptions" desc:"Findings to suppress, each with a reason and optionally an expiry date."`
	ImageTags  ImageTags               `yaml:"imageTags" desc:"What IMG002 accepts as an immutable image tag."`
	Dockerfile Dockerfile              `yaml:"dockerfile" desc:"Settings of the Dockerfile rules."`
	Workloads  []Workload              `yaml:"workloads" desc:"Extra workload kinds whose pod template every workload rule judges."`
	Policies   []string                `yaml:"policies" desc:"Folders of extra Rego policies, relative to this file."`

	// Path is where the file was read from, as reports show it.
	Path string `yaml:"-"`
	// Dir is the absolute folder of the file: exemption paths are relative to it.
	Dir string `yaml:"-"`
	// Node is the file's root mapping, for placing findings about it.
	Node *yaml.Node `yaml:"-"`
	// refs are the rule ids written, for checking them once the rules are
	// known.
	refs []ruleRef
}

// RuleSettings tunes one rule.
type RuleSettings struct {
	Disabled            bool                     `yaml:"disabled" desc:"Turn the rule off: it reports nothing."`
	Severity            Severity                 `yaml:"severity" desc:"Severity of the rule's findings in every environment."`
	EnvironmentSeverity map[Environment]Severity `yaml:"environmentSeverity" desc:"Severity of the rule's findings in some environments; wins over severity."`
}

// Exemption suppresses the findings of some rules on the objects it selects.
// Every selector given must match; a selector left out matches everything.
type Exemption struct {
	Rules      []RuleID `yaml:"rules" desc:"Ids of the rules exempted." required:"true" minItems:"1"`
	Kinds      []string `yaml:"kinds" desc:"Object kinds, exactly as written (Deployment)."`
	Namespaces []Glob   `yaml:"namespaces" desc:"Namespaces, as globs (legacy-*)."`
	Names      []Glob   `yaml:"names" desc:"Object names, as globs (billing-*)."`
	Containers []Glob   `yaml:"containers" desc:"Container names, as globs; a finding about no container is not matched."`
	Paths      []Glob   `yaml:"paths" desc:"Files, as globs relative to this file's folder (charts/vendor/**)."`
	Reason     string   `yaml:"reason" desc:"Why the findings are accepted; shown beside every suppressed finding." required:"true" minLength:"1"`
	Expires    Date     `yaml:"expires" desc:"Last day the exemption applies, YYYY-MM-DD; after it the exemption suppresses nothing and is reported (EXM005)."`
}

// ImageTags holds what IMG002 accepts.
type ImageTags struct {
	Immutable []Regex `yaml:"immutable" desc:"Regular expressions (RE2) an immutable tag matches, anchored as written; default ^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z][0-9A-Za-z._-]*)?$ (a release tag, v optional, with an optional -suffix) and ^sha-[0-9a-f]{7,}$."`
}

// Dockerfile holds the settings of the Dockerfile rules.
type Dockerfile struct {
	FinalBases []string `yaml:"finalBases" desc:"Images the final stage of a Dockerfile may be built on (DF001), by name with or without tag or digest: an entry without one allows every tag of the image; default [scratch]."`
}

// Workload is a kind of object that holds a pod template, such as an Argo
// Rollout.
type Workload struct {
	APIVersion  string    `yaml:"apiVersion" desc:"apiVersion of the kind (argoproj.io/v1alpha1)." required:"true" minLength:"1"`
	Kind        string    `yaml:"kind" desc:"The kind (Rollout)." required:"true" minLength:"1"`
	PodTemplate FieldPath `yaml:"podTemplate" desc:"Dotted path of the pod template in the object (spec.template)." required:"true"`
}
