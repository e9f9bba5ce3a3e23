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

{{/* The pod label that tells one shard's pods from another's. */}}
{{- define "sdo.shardLabels" -}}
shootdualstack.io/shard: {{ . }}
{{- end }}

{{/*
The operator's Deployments, as a JSON list (read it with fromJsonArray; a number comes back a float):
one as replicas and watch say, or one per shard with its own Shoots, Lease and pod label; a shard's
selector is ANDed with watch.selector (a comma joins requirements).
*/}}
{{- define "sdo.deployments" -}}
{{- $fullname := include "sdo.fullname" . }}
{{- $deployments := list }}
{{- range .Values.shards }}
{{- $deployments = append $deployments (dict "name" (printf "%s-%s" $fullname .name) "shard" .name
      "replicas" (.replicas | default $.Values.replicas) "resources" (.resources | default $.Values.resources)
      "namespaces" (.namespaces | default list) "selector" (compact (list $.Values.watch.selector .selector) | join ",")
      "lease" (printf "%s-%s" ($.Values.leaderElection.leaseName | default $fullname) .name)) }}
{{- else }}
{{- $deployments = list (dict "name" $fullname "shard" "" "replicas" .Values.replicas "resources" .Values.resources
      "namespaces" .Values.watch.namespaces "selector" .Values.watch.selector
      "lease" (.Values.leaderElection.leaseName | default $fullname)) }}
{{- end }}
{{- $deployments | toJson }}
{{- end }}

{{/*
The namespaces in which a Role grants the Shoots, their events and their Secrets (project-rbac.yaml),
as a JSON list. Empty: the ClusterRole grants them garden-wide. With shards, the namespaces of all the
shards, or none when one shard watches all namespaces: one ServiceAccount runs every shard.
*/}}
{{- define "sdo.projectNamespaces" -}}
{{- $namespaces := .Values.watch.namespaces }}
{{- if .Values.shards }}
{{- $namespaces = list }}
{{- $everywhere := false }}
{{- range .Values.shards }}
{{- if .namespaces }}
{{- $namespaces = concat $namespaces .namespaces }}
{{- else }}
{{- $everywhere = true }}
{{- end }}
{{- end }}
{{- if $everywhere }}
{{- $namespaces = list }}
{{- end }}
{{- end }}
{{- $namespaces | default list | uniq | toJson }}
{{- end }}

{{/*
Refuses shards that obviously watch the same Shoots, which two leaders would then migrate at once.
Two shards overlap when their namespaces meet (one names none and so watches all, or both name the
same one) and their selectors cannot tell their Shoots apart (one has none, or both are the same).
Different selectors are taken as disjoint: the chart cannot know the Shoots' labels.
*/}}
{{- define "sdo.checkShards" -}}
{{- if and .Values.shards .Values.watch.namespaces }}
{{- fail "shards and watch.namespaces exclude each other: give each shard its namespaces" }}
{{- end }}
{{- $names := list }}
{{- range $i, $a := .Values.shards }}
{{- if has $a.name $names }}
{{- fail (printf "shards: the name %s is given twice" $a.name) }}
{{- end }}
{{- $names = append $names $a.name }}
{{- range $j, $b := $.Values.shards }}
{{- if lt $i $j }}
{{- $where := "" }}
{{- if not $a.namespaces }}
{{- $where = printf "%s watches all namespaces" $a.name }}
{{- else if not $b.namespaces }}
{{- $where = printf "%s watches all namespaces" $b.name }}
{{- else }}
{{- range $a.namespaces }}
{{- if and (not $where) (has . $b.namespaces) }}
{{- $where = printf "both watch namespace %s" . }}
{{- end }}
{{- end }}
{{- end }}
{{- $alike := "" }}
{{- if not $a.selector }}
{{- $alike = printf "%s has no selector" $a.name }}
{{- else if not $b.selector }}
{{- $alike = printf "%s has no selector" $b.name }}
{{- else if eq $a.selector $b.selector }}
{{- $alike = printf "both select %s" $a.selector }}
{{- end }}
{{- if and $where $alike }}
{{- fail (printf "shards %s and %s would watch the same Shoots (%s and %s): every Shoot must belong to one shard" $a.name $b.name $where $alike) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* "true" when extraArgs pass --allow-insecure-shoot-connections, in any form (=true, =false). */}}
{{- define "sdo.insecureShootConnections" -}}
{{- $found := false }}
{{- range .Values.extraArgs }}
{{- if regexMatch "^--allow-insecure-shoot-connections(=.*)?$" (trim .) }}
{{- $found = true }}
{{- end }}
{{- end }}
{{- $found }}
{{- end }}

{{/*
Refuses --allow-insecure-shoot-connections in extraArgs unless development.allowInsecureShootConnections
says the garden is a development one: extraArgs would otherwise carry the flag into production unnoticed.
*/}}
{{- define "sdo.checkDevelopment" -}}
{{- if and (eq (include "sdo.insecureShootConnections" .) "true") (not .Values.development.allowInsecureShootConnections) }}
{{- fail "extraArgs: --allow-insecure-shoot-connections makes the operator accept shoot kubeconfigs with insecure-skip-tls-verify: true or a plain http server, which is for development gardens only: set development.allowInsecureShootConnections: true to pass it" }}
{{- end }}
{{- end }}

{{/*
Refuses --shoot-access in extraArgs: the roles follow shootAccess, and a flag beside it would take a way
into shoot clusters they do not grant.
*/}}
{{- define "sdo.checkShootAccess" -}}
{{- range .Values.extraArgs }}
{{- if regexMatch "^--shoot-access(=.*)?$" (trim .) }}
{{- fail "extraArgs: --shoot-access is set by shootAccess (auto, secret or adminkubeconfig), which the chart's roles follow" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "true" when the operator may reach shoot clusters by their <shoot>.kubeconfig Secrets (shootAccess auto or secret). */}}
{{- define "sdo.shootAccessBySecret" -}}
{{- ne .Values.shootAccess "adminkubeconfig" }}
{{- end }}

{{/* "true" when the operator may reach shoot clusters by shoots/adminkubeconfig (shootAccess auto or adminkubeconfig). */}}
{{- define "sdo.shootAccessByAdminKubeconfig" -}}
{{- ne .Values.shootAccess "secret" }}
{{- end }}

{{/* "true" when the engine may migrate a Shoot (migrator auto or engine): it then writes the status, reaches shoot clusters and works on the extension resources; beside gardenlet alone it needs none of that. */}}
{{- define "sdo.engine" -}}
{{- ne .Values.migrator "gardenlet" }}
{{- end }}
