package source

import "testing"

func TestObjectName(t *testing.T) {
	tests := []struct {
		name                  string
		kind, namespace, objn string
		want                  string
	}{
		{name: "namespaced", kind: "Deployment", namespace: "shop", objn: "api", want: "Deployment/shop/api"},
		{name: "cluster-scoped", kind: "ClusterRole", objn: "view", want: "ClusterRole/view"},
		{name: "unnamed in a namespace", kind: "Pod", namespace: "shop", want: "Pod/shop/"},
		{name: "unnamed", kind: "Pod", want: "Pod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ObjectName(tt.kind, tt.namespace, tt.objn); got != tt.want {
				t.Errorf("ObjectName = %q, want %q", got, tt.want)
			}
			if got := string(AppendObjectName([]byte("> "), tt.kind, tt.namespace, tt.objn)); got != "> "+tt.want {
				t.Errorf("AppendObjectName = %q, want %q", got, "> "+tt.want)
			}
		})
	}
}
