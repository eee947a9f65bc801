{{/*
Chart name, used as the app label: the standard selects pods by app.
*/}}
{{- define "slotcheck-webhook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name of the release's objects.
*/}}
{{- define "slotcheck-webhook.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The image tag, which is also the version label (IMG003 wants them equal).
*/}}
{{- define "slotcheck-webhook.version" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/*
The image reference: repository:tag, pinned by a digest when one is given.
*/}}
{{- define "slotcheck-webhook.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository (include "slotcheck-webhook.version" .) }}
{{- if .Values.image.digest }}
{{- $ref = printf "%s@%s" $ref .Values.image.digest }}
{{- end }}
{{- $ref }}
{{- end }}

{{/*
Labels of every object: app and version as the deployment standard wants
them, and the usual Helm labels.
*/}}
{{- define "slotcheck-webhook.labels" -}}
app: {{ include "slotcheck-webhook.name" . }}
version: {{ include "slotcheck-webhook.version" . | quote }}
app.kubernetes.io/name: {{ include "slotcheck-webhook.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "slotcheck-webhook.version" . | quote }}
app.kubernetes.io/part-of: slotcheck
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that select the webhook's pods: app (META001 wants the selector on
it) and the release, so that two releases never select each other's pods.
Never add version here: selectors are immutable and version changes.
*/}}
{{- define "slotcheck-webhook.selectorLabels" -}}
app: {{ include "slotcheck-webhook.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The service account the pods run under.
*/}}
{{- define "slotcheck-webhook.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "slotcheck-webhook.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false (and must not be default)" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding tls.crt and tls.key: written by cert-manager, or given.
*/}}
{{- define "slotcheck-webhook.tlsSecretName" -}}
{{- if .Values.certificates.certManager.enabled }}
{{- printf "%s-tls" (include "slotcheck-webhook.fullname" .) }}
{{- else }}
{{- required "certificates.existingSecret is required when certificates.certManager.enabled is false: a kubernetes.io/tls Secret with tls.crt and tls.key for the webhook Service's DNS names" .Values.certificates.existingSecret }}
{{- end }}
{{- end }}

{{/*
Namespaces the webhook never judges: the values, plus the release's own
namespace, so that the webhook can never lock out its own recovery.
*/}}
{{- define "slotcheck-webhook.excludedNamespaces" -}}
{{- $ns := concat (list "kube-system" "kube-node-lease") .Values.excludedNamespaces (list .Release.Namespace) | uniq }}
{{- join "," $ns }}
{{- end }}

{{/*
Checks on values that no template could render correctly without.
*/}}
{{- define "slotcheck-webhook.validate" -}}
{{- if not (has .Values.mode (list "enforce" "warn" "audit")) }}
{{- fail (printf "mode %q: want enforce, warn or audit" .Values.mode) }}
{{- end }}
{{- if not (has .Values.failurePolicy (list "Fail" "Ignore")) }}
{{- fail (printf "failurePolicy %q: want Fail or Ignore" .Values.failurePolicy) }}
{{- end }}
{{- if or (lt (int .Values.timeoutSeconds) 1) (gt (int .Values.timeoutSeconds) 30) }}
{{- fail (printf "timeoutSeconds %v: the API server accepts 1 to 30" .Values.timeoutSeconds) }}
{{- end }}
{{- if or (lt (int .Values.judgementTimeoutSeconds) 1) (ge (int .Values.judgementTimeoutSeconds) (int .Values.timeoutSeconds)) }}
{{- fail (printf "judgementTimeoutSeconds %v must be at least 1 and below timeoutSeconds %v, so the webhook answers before the API server gives up" .Values.judgementTimeoutSeconds .Values.timeoutSeconds) }}
{{- end }}
{{- if and .Values.networkPolicy.enabled (empty .Values.networkPolicy.apiServerSources) }}
{{- fail "networkPolicy.apiServerSources must name at least one peer: an ingress rule without sources admits everyone" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.enabled" }}
{{- end }}
{{- if and (not .Values.certificates.certManager.enabled) (not .Values.certificates.caBundle) }}
{{- fail "certificates.caBundle is required when certificates.certManager.enabled is false: the base64 PEM of the CA that signed the certificate in certificates.existingSecret" }}
{{- end }}
{{- include "slotcheck-webhook.validateWorkloads" . }}
{{- end }}

{{/*
"true" when the background audit runs: audit.interval is set and not 0.
*/}}
{{- define "slotcheck-webhook.auditOn" -}}
{{- $i := toString .Values.audit.interval }}
{{- if and .Values.audit.interval (ne $i "0") (ne $i "0s") }}true{{ end }}
{{- end }}
