package report

// The SARIF 2.1.0 log as slotcheck writes it: only the properties it sets.
// Fields are in the order of their JSON names, as the log has always had its
// properties sorted, and writeSARIF writes them in that order too.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
	Version string     `json:"version"`
}

type sarifRun struct {
	AutomationDetails sarifID           `json:"automationDetails"`
	ColumnKind        string            `json:"columnKind"`
	Invocations       []sarifInvocation `json:"invocations"`
	Language          string            `json:"language"`
	NewlineSequences  []string          `json:"newlineSequences"`
	Results           []sarifResult     `json:"results"`
	Tool              sarifTool         `json:"tool"`
}

type sarifID struct {
	ID string `json:"id"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Contents        []string    `json:"contents"`
	FullName        string      `json:"fullName"`
	InformationURI  string      `json:"informationUri"`
	IsComprehensive bool        `json:"isComprehensive"`
	Language        string      `json:"language"`
	Name            string      `json:"name"`
	Rules           []sarifRule `json:"rules,omitempty"`
	SemanticVersion string      `json:"semanticVersion"`
	Version         string      `json:"version"`
}

type sarifRule struct {
	DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
	FullDescription      sarifText           `json:"fullDescription"`
	Help                 sarifHelp           `json:"help"`
	HelpURI              string              `json:"helpUri,omitempty"`
	ID                   string              `json:"id"`
	Name                 string              `json:"name"`
	Properties           sarifRuleProperties `json:"properties"`
	ShortDescription     sarifText           `json:"shortDescription"`
}

type sarifConfiguration struct {
	Enabled bool   `json:"enabled"`
	Level   string `json:"level,omitempty"`
}

type sarifHelp struct {
	Markdown string `json:"markdown"`
	Text     string `json:"text"`
}

type sarifRuleProperties struct {
	Section string `json:"section"`
	// SecuritySeverity ranks the alerts of rules tagged security.
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Tags             []string `json:"tags"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Descriptor sarifID                     `json:"descriptor"`
	Level      string                      `json:"level"`
	Locations  []sarifNotificationLocation `json:"locations,omitempty"`
	Message    sarifText                   `json:"message"`
}

type sarifNotificationLocation struct {
	PhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifLineRegion      `json:"region,omitempty"`
	} `json:"physicalLocation"`
}

// sarifLineRegion is where an input error is: a line, and a column when known.
type sarifLineRegion struct {
	StartColumn int `json:"startColumn,omitempty"`
	StartLine   int `json:"startLine"`
}

type sarifResult struct {
	Kind                string                `json:"kind"`
	Level               string                `json:"level,omitempty"`
	Locations           [1]sarifLocation      `json:"locations"`
	Message             sarifText             `json:"message"`
	PartialFingerprints sarifFingerprints     `json:"partialFingerprints"`
	Properties          sarifResultProperties `json:"properties"`
	RuleID              string                `json:"ruleId"`
	RuleIndex           int                   `json:"ruleIndex"`
}

type sarifLocation struct {
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
	// PhysicalLocation is nil for an object read from a cluster, which is
	// in no file.
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
	Name               string `json:"name"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	EndColumn   int `json:"endColumn"`
	EndLine     int `json:"endLine"`
	StartColumn int `json:"startColumn"`
	StartLine   int `json:"startLine"`
}

// sarifFingerprints holds the partial fingerprint code scanning tracks an
// alert by across commits; the key's suffix is bumped if what Fingerprint
// hashes ever changes.
type sarifFingerprints struct {
	Slotcheck string `json:"slotcheck/v1"`
}

type sarifResultProperties struct {
	// ArchiveEntry is where in a packed subchart's archive the finding
	// is (redis/templates/x.yaml:7:3); the artifact is the archive.
	ArchiveEntry string `json:"archiveEntry,omitempty"`
	Environment  string `json:"environment"`
	Field        string `json:"field"`
	// Kustomization is the root the object was rendered through: one base
	// line two overlays reach is two results, told apart by it.
	Kustomization string `json:"kustomization,omitempty"`
}
