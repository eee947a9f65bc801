package kube

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/yaml"
)

// acceptSeeds are valid manifests of many kinds; the mutation test breaks
// them in every place it can.
var acceptSeeds = []string{
	`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"n","labels":{"app":"d"},"annotations":{"a":"b"},"creationTimestamp":"2024-01-01T00:00:00Z","generation":3,"ownerReferences":[{"apiVersion":"v1","kind":"X","name":"o","uid":"u","controller":true}]},
	  "spec":{"replicas":3,"revisionHistoryLimit":2,"progressDeadlineSeconds":600,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}},"selector":{"matchLabels":{"app":"d"},"matchExpressions":[{"key":"k","operator":"In","values":["a","b"]}]},
	  "template":{"metadata":{"labels":{"app":"d"}},"spec":{"serviceAccountName":"s","automountServiceAccountToken":false,"terminationGracePeriodSeconds":30,"hostNetwork":false,"nodeSelector":{"disk":"ssd"},
	  "securityContext":{"runAsNonRoot":true,"runAsUser":1000,"runAsGroup":1000,"fsGroup":1000,"supplementalGroups":[1,2],"seccompProfile":{"type":"RuntimeDefault"},"sysctls":[{"name":"a","value":"1"}]},
	  "tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule","tolerationSeconds":10}],
	  "affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":100,"podAffinityTerm":{"topologyKey":"kubernetes.io/hostname","labelSelector":{"matchLabels":{"app":"d"}}}}]}},
	  "containers":[{"name":"app","image":"i:v1","imagePullPolicy":"IfNotPresent","command":["/app"],"args":["--x"],"workingDir":"/w","stdin":false,
	    "ports":[{"containerPort":8080,"name":"http","protocol":"TCP","hostPort":0}],
	    "env":[{"name":"A","value":"b"},{"name":"B","valueFrom":{"secretKeyRef":{"name":"s","key":"k","optional":true}}},{"name":"C","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},{"name":"D","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu","divisor":"1m"}}}],
	    "envFrom":[{"configMapRef":{"name":"c"},"prefix":"P_"}],
	    "resources":{"requests":{"cpu":"500m","memory":"512Mi"},"limits":{"cpu":2,"memory":"2Gi","ephemeral-storage":"1G"}},
	    "livenessProbe":{"httpGet":{"path":"/health","port":8080,"scheme":"HTTP","httpHeaders":[{"name":"h","value":"v"}]},"initialDelaySeconds":5,"periodSeconds":10,"timeoutSeconds":1,"failureThreshold":3,"successThreshold":1},
	    "readinessProbe":{"tcpSocket":{"port":"http"}},"startupProbe":{"exec":{"command":["true"]}},
	    "lifecycle":{"preStop":{"sleep":{"seconds":5}}},
	    "securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"privileged":false,"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}},
	    "volumeMounts":[{"name":"tmp","mountPath":"/tmp","readOnly":true}]}],
	  "initContainers":[{"name":"init","image":"busybox"}],
	  "volumes":[{"name":"tmp","emptyDir":{"sizeLimit":"1Gi","medium":"Memory"}},{"name":"c","configMap":{"name":"c","defaultMode":420,"items":[{"key":"a","path":"b"}]}},{"name":"p","persistentVolumeClaim":{"claimName":"x"}},{"name":"f","fc":{"lun":1,"targetWWNs":["a"]}},{"name":"pr","projected":{"sources":[{"serviceAccountToken":{"path":"t","expirationSeconds":3600}}]}}]}}}}`,
	`{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"spec":{"schedule":"0 * * * *","suspend":false,"concurrencyPolicy":"Forbid","successfulJobsHistoryLimit":1,"jobTemplate":{"spec":{"backoffLimit":2,"activeDeadlineSeconds":100,"ttlSecondsAfterFinished":10,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"b"}]}}}}}}`,
	`{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"type":"ClusterIP","clusterIP":"None","selector":{"app":"s"},"ports":[{"name":"http","port":80,"targetPort":"http","protocol":"TCP","nodePort":30000}],"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10}}}}`,
	`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b","c":"d"},"immutable":true}`,
	`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"n"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"],"ingress":[{"from":[{"podSelector":{"matchLabels":{"a":"b"}}},{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}],"ports":[{"port":80,"endPort":90,"protocol":"TCP"}]}]}}`,
	`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"i"},"spec":{"ingressClassName":"nginx","tls":[{"hosts":["a"],"secretName":"s"}],"rules":[{"host":"a","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}`,
	`{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"d"},"minReplicas":3,"maxReplicas":10,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80,"averageValue":"100m"}}}],"behavior":{"scaleDown":{"stabilizationWindowSeconds":300,"policies":[{"type":"Pods","value":1,"periodSeconds":60}]}}}}`,
	`{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"p"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"a":"b"}}}}`,
	`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}`,
	`{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"serviceName":"s","replicas":3,"selector":{"matchLabels":{"a":"b"}},"template":{"spec":{"containers":[{"name":"a","image":"b"}]}},"volumeClaimTemplates":[{"metadata":{"name":"d"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}],"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain"}}}`,
	`{"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"involvedObject":{"kind":"Pod"},"count":3,"firstTimestamp":"2024-01-01T00:00:00Z","eventTime":"2024-01-01T00:00:00.000000Z","series":{"count":2,"lastObservedTime":"2024-01-01T00:00:00.000000Z"}}`,
	`{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"pods":"10","requests.cpu":4}}}`,
}

// acceptReplacements stand in for every value in turn.
var acceptReplacements = []string{
	`"x"`, `""`, `"5x"`, `"1Gi"`, `"25%"`, `"2024-01-01T00:00:00Z"`, `"aGVsbG8="`,
	`0`, `1`, `-1`, `1.5`, `1e3`, `-0`, `3000000000`, `99999999999999999999`, `1e400`, `70000`, `-2147483649`,
	`true`, `false`, `null`, `[]`, `{}`, `["x"]`, `[1]`, `[null]`, `[{}]`, `{"bogus":1}`, `{"name":"x"}`,
}

// TestAcceptsOnlyWhatCheckAccepts breaks valid manifests in every way it
// can think of, value by value and key by key: whenever Accepts says yes,
// Check must find nothing.
func TestAcceptsOnlyWhatCheckAccepts(t *testing.T) {
	c := NewChecker()
	accepted, total := 0, 0
	try := func(doc any, what string) {
		total++
		manifest, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		v := mustValue(t, manifest)
		m := doc.(map[string]any)
		apiVersion, _ := m["apiVersion"].(string)
		kind, _ := m["kind"].(string)
		if !c.Accepts(apiVersion, kind, v) {
			return
		}
		accepted++
		if problems := c.Check(apiVersion, kind, manifest); len(problems) > 0 {
			t.Errorf("%s: Accepts said yes, Check found %+v in %s", what, problems, manifest)
		}
	}
	for _, seed := range acceptSeeds {
		var doc any
		if err := unmarshalNumbers([]byte(seed), &doc); err != nil {
			t.Fatal(err)
		}
		apiVersion, kind := doc.(map[string]any)["apiVersion"].(string), doc.(map[string]any)["kind"].(string)
		if problems := c.Check(apiVersion, kind, []byte(seed)); len(problems) > 0 {
			t.Fatalf("seed %.80s: %+v", seed, problems)
		}
		if !c.Accepts(apiVersion, kind, mustValue(t, []byte(seed))) {
			t.Errorf("valid seed not accepted: %.80s", seed)
		}
		for _, p := range paths(doc, nil) {
			for _, r := range acceptReplacements {
				var rv any
				if err := unmarshalNumbers([]byte(r), &rv); err != nil {
					t.Fatal(err)
				}
				try(replaced(doc, p, func(any) (any, bool) { return rv, true }), fmt.Sprintf("%v = %s", p, r))
			}
			try(replaced(doc, p, func(v any) (any, bool) {
				m, ok := v.(map[string]any)
				if !ok {
					return nil, false
				}
				out := map[string]any{"bogusField": "x"}
				for k, x := range m {
					out[k] = x
					out[strings.ToUpper(k[:1])+k[1:]] = x // a key in the wrong case
				}
				return out, true
			}), fmt.Sprintf("%v with unknown keys", p))
		}
	}
	if accepted == 0 || accepted == total {
		t.Errorf("accepted %d of %d mutations: the test proves nothing", accepted, total)
	}
	t.Logf("accepted %d of %d mutations", accepted, total)
}

// TestAcceptsTheExamples compares Accepts with Check on every manifest in
// the repository's test data.
func TestAcceptsTheExamples(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "testdata")
	c := NewChecker()
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".json")) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, part := range bytes.Split(src, []byte("\n---")) {
			manifest, err := yaml.YAMLToJSON(part)
			if err != nil || !bytes.HasPrefix(manifest, []byte("{")) {
				continue
			}
			var m map[string]any
			if unmarshalNumbers(manifest, &m) != nil {
				continue
			}
			apiVersion, _ := m["apiVersion"].(string)
			kind, _ := m["kind"].(string)
			if c.Accepts(apiVersion, kind, mustValue(t, manifest)) {
				if problems := c.Check(apiVersion, kind, manifest); len(problems) > 0 {
					t.Errorf("%s: Accepts said yes, Check found %+v", p, problems)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func unmarshalNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

func mustValue(t *testing.T, manifest []byte) ast.Value {
	t.Helper()
	var doc any
	if err := unmarshalNumbers(manifest, &doc); err != nil {
		t.Fatal(err)
	}
	v, err := ast.InterfaceToValue(doc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// paths lists the path of every value in doc but the root.
func paths(doc any, prefix []any) [][]any {
	var out [][]any
	add := func(seg any, v any) {
		p := append(append([]any{}, prefix...), seg)
		out = append(out, p)
		out = append(out, paths(v, p)...)
	}
	switch x := doc.(type) {
	case map[string]any:
		for k, v := range x {
			add(k, v)
		}
	case []any:
		for i, v := range x {
			add(i, v)
		}
	}
	return out
}

// replaced copies doc with the value at path changed by f (and doc itself
// when f declines).
func replaced(doc any, path []any, f func(any) (any, bool)) any {
	if len(path) == 0 {
		if v, ok := f(doc); ok {
			return v
		}
		return doc
	}
	switch x := doc.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[k] = v
		}
		out[path[0].(string)] = replaced(x[path[0].(string)], path[1:], f)
		return out
	case []any:
		out := append([]any{}, x...)
		out[path[0].(int)] = replaced(x[path[0].(int)], path[1:], f)
		return out
	}
	return doc
}
