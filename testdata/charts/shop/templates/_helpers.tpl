{{- define "shop.labels" -}}
app: {{ .Chart.Name }}
version: {{ .Values.image.tag }}
{{- end }}
