{{/* The chart's name, or nameOverride. */}}
{{- define "sdo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of every object: the release name, prefixed to the chart's name unless it holds it already. */}}
{{- define "sdo.fullname" -}}
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

{{- define "sdo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sdo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "sdo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "sdo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "sdo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sdo.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sdo.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
One CRD from a file the build step copies from the repository's crds/ folder (deploy/render.sh),
with the keep policy so that uninstalling the release does not delete every Shoot.
*/}}
{{- define "sdo.crd" -}}
{{- $text := .root.Files.Get .path }}
{{- if not $text }}
{{- fail (printf "%s is missing from the chart: run deploy/render.sh" .path) }}
{{- end }}
{{- $crd := fromYaml $text }}
{{- if hasKey $crd "Error" }}
{{- fail (printf "%s: %s" .path $crd.Error) }}
{{- end }}
{{- if .root.Values.crds.keep }}
{{- $annotations := merge (dict "helm.sh/resource-policy" "keep") ($crd.metadata.annotations | default dict) }}
{{- $_ := set $crd.metadata "annotations" $annotations }}
{{- end }}
---
{{ toYaml $crd }}
{{- end }}

{{/* A duration of the values (30s, 15m, 2h) in seconds, for a comparison in PromQL. */}}
{{- define "sdo.seconds" -}}
{{- $number := regexFind "^[0-9]+" . | atoi }}
{{- $unit := regexFind "[a-z]+$" . }}
{{- if eq $unit "h" }}{{ mul $number 3600 }}
{{- else if eq $unit "m" }}{{ mul $number 60 }}
{{- else if eq $unit "s" }}{{ $number }}
{{- else }}{{ fail (printf "%s is no duration in s, m or h" .) }}
{{- end }}
{{- end }}

{{/* An alert's labels: its severity, then prometheusRule.alertLabels, which win. */}}
{{- define "sdo.alertLabels" -}}
{{- toYaml (merge (dict) (.rule.alertLabels | default dict) (dict "severity" .severity)) }}
{{- end }}
