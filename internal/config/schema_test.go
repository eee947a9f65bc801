package config

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

var update = flag.Bool("update", false, "rewrite docs/config.schema.json from the Go types")

const schemaFile = "../../docs/config.schema.json"

// TestSchemaDrift keeps docs/config.schema.json what the Go types say:
// go test ./internal/config -update rewrites it.
func TestSchemaDrift(t *testing.T) {
	got, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the Go types give: go test ./internal/config -update rewrites it", schemaFile)
	}
}

// exampleDocs are the documents that show a complete configuration file.
var exampleDocs = []string{"docs/config.md", "README.md"}

// docExample is the complete example of a document of exampleDocs.
func docExample(t *testing.T, name string) []byte {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("../..", name))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(# yaml-language-server.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("%s has no ```yaml block starting with the yaml-language-server modeline", name)
	}
	return m[1]
}

// TestSchemaAgrees holds the schema and the decoder to the same verdict on
// the example files and on files each refuses.
func TestSchemaAgrees(t *testing.T) {
	s, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(s))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, name := range exampleDocs {
		files[name] = docExample(t, name)
	}
	paths, _ := filepath.Glob("testdata/*.y*ml")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = src
	}
	bad := map[string]string{
		"unknown key":   "version: 1\nexclud: [a]\n",
		"version 2":     "version: 2\n",
		"no version":    "rules: {}\n",
		"bad severity":  "version: 1\nrules: {SEC001: {severity: fatal}}\n",
		"bad env":       "version: 1\nrules: {SEC001: {environmentSeverity: {qa: note}}}\n",
		"no reason":     "version: 1\nexemptions: [{rules: [SEC001]}]\n",
		"blank reason":  "version: 1\nexemptions: [{rules: [SEC001], reason: ' '}]\n",
		"no rules":      "version: 1\nexemptions: [{rules: [], reason: r}]\n",
		"bad date":      "version: 1\nexemptions: [{rules: [SEC001], reason: r, expires: '2027-13-01'}]\n",
		"workload path": "version: 1\nworkloads: [{apiVersion: a/v1, kind: K, podTemplate: 'spec..x'}]\n",
	}
	for name, src := range bad {
		files[name] = []byte(src)
	}
	for name, src := range files {
		t.Run(name, func(t *testing.T) {
			_, errs := Parse(src, name)
			j, err := yaml.YAMLToJSON(src)
			if err != nil {
				t.Fatal(err)
			}
			res, err := schema.Validate(gojsonschema.NewBytesLoader(j))
			if err != nil {
				t.Fatal(err)
			}
			_, isBad := bad[name]
			if res.Valid() == isBad || (len(errs) == 0) == isBad {
				t.Errorf("schema valid %v (%v), decoder errors %v; want both to %s it", res.Valid(), res.Errors(), errs, map[bool]string{true: "refuse", false: "accept"}[isBad])
			}
		})
	}
}

// TestDocExampleRules: every rule id the documented examples name exists.
func TestDocExampleRules(t *testing.T) {
	engine, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range exampleDocs {
		f, errs := Parse(docExample(t, name), name)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		if errs := f.CheckRules(func(id string) bool { _, ok := engine.Rule(id); return ok }); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
}
