{{/*
The workloads value (what the API server sends the webhook and the audit
ClusterRole grants, with each kind's resource plural) and config.workloads
(each kind's podTemplate, which the webhook judges by) must name the same
kinds: a kind only in config.workloads is never sent to the webhook nor
listable by the background audit, and a kind only in workloads is sent but
judged by nothing. Either way it would never be judged in the cluster, and
nothing would say so.
*/}}
{{- define "slotcheck-webhook.validateWorkloads" -}}
{{- $registered := list }}
{{- range .Values.workloads }}
{{- $registered = append $registered (printf "%v %v" .apiVersion .kind) }}
{{- end }}
{{- $configured := list }}
{{- range $i, $w := (.Values.config | default dict).workloads }}
{{- $key := printf "%v %v" $w.apiVersion $w.kind }}
{{- $configured = append $configured $key }}
{{- if not (has $key $registered) }}
{{- fail (printf "config.workloads[%d] (kind %v, apiVersion %v) is not in the workloads value: the API server would never send it to the webhook and the background audit could not list it, so it would never be judged in the cluster; add {apiVersion: %v, kind: %v, resource: <its plural, as kubectl api-resources lists it>} to workloads" $i $w.kind $w.apiVersion $w.apiVersion $w.kind) }}
{{- end }}
{{- end }}
{{- range $i, $w := .Values.workloads }}
{{- if not (has (printf "%v %v" $w.apiVersion $w.kind) $configured) }}
{{- fail (printf "workloads[%d] (kind %v, apiVersion %v) is not in config.workloads: the webhook would receive it and judge nothing, as only the configuration says where its pod template is; add {apiVersion: %v, kind: %v, podTemplate: <e.g. spec.template>} to config.workloads (docs/config.md)" $i $w.kind $w.apiVersion $w.apiVersion $w.kind) }}
{{- end }}
{{- end }}
{{- end }}
