{{/* The chart's name. */}}
{{- define "lofty-mcp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: object names, and the default Secret name. */}}
{{- define "lofty-mcp.fullname" -}}
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

{{- define "lofty-mcp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lofty-mcp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "lofty-mcp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "lofty-mcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "lofty-mcp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "lofty-mcp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "lofty-mcp.secretName" -}}
{{- default (include "lofty-mcp.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "lofty-mcp.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The keys the pods read from the Secret, one per line: the environment variables set from it.
Everything that decides them is here, so the Deployment and NOTES.txt agree.
*/}}
{{- define "lofty-mcp.secretKeys" -}}
{{- if .Values.auth.token }}
LOFTY_MCP_AUTH_TOKEN
{{ end }}
{{- if eq .Values.lofty.credential "apiKey" }}
LOFTY_API_KEY
{{ else if eq .Values.lofty.credential "accessToken" }}
LOFTY_ACCESS_TOKEN
{{ end }}
{{- if .Values.sessionKey }}
LOFTY_MCP_SESSION_KEY
{{ end }}
{{- if .Values.oauth.enabled }}
LOFTY_MCP_SECRET_KEY
{{ if .Values.oauth.loftySignIn }}
LOFTY_OAUTH_CLIENT_ID
LOFTY_OAUTH_CLIENT_SECRET
{{ end }}
{{- end }}
{{- if and .Values.redis.enabled .Values.redis.urlFromSecret }}
LOFTY_REDIS_URL
{{ end }}
{{- end }}

{{/*
Host names the Service and Ingress are reached by, for LOFTY_MCP_ALLOWED_HOSTS: lofty-mcp answers
403 to a Host it does not know (its DNS-rebinding defence). Pod IPs are allowed by lofty-mcp itself.
*/}}
{{- define "lofty-mcp.allowedHosts" -}}
{{- $svc := include "lofty-mcp.fullname" . }}
{{- $hosts := list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.%s" $svc .Release.Namespace .Values.clusterDomain) }}
{{- if .Values.ingress.enabled }}
{{- range .Values.ingress.hosts }}
{{- $hosts = append $hosts .host }}
{{- end }}
{{- end }}
{{- if .Values.oauth.enabled }}
{{- $hosts = append $hosts (urlParse .Values.oauth.publicURL).hostname }}
{{- end }}
{{- concat $hosts .Values.allowedHosts | uniq | join "," }}
{{- end }}

{{/* Settings the chart refuses, each with what to do instead. */}}
{{- define "lofty-mcp.validate" -}}
{{- if not (or .Values.auth.token .Values.auth.insecureNoAuth .Values.oauth.enabled) }}
{{- fail "lofty-mcp refuses to serve the pod's address unauthenticated: set auth.token=true (LOFTY_MCP_AUTH_TOKEN in the Secret), oauth.enabled=true, or auth.insecureNoAuth=true if something in front of it authenticates every request" }}
{{- end }}
{{- if and .Values.oauth.enabled (not .Values.oauth.publicURL) }}
{{- fail "oauth.enabled needs oauth.publicURL: the https URL clients reach the server at, e.g. https://mcp.example.com" }}
{{- end }}
{{- if and .Values.oauth.enabled (gt (int .Values.replicaCount) 1) (not .Values.redis.enabled) }}
{{- fail "oauth.enabled with more than one replica needs redis.enabled: every replica must see every sign-in (or set replicaCount=1)" }}
{{- end }}
{{- if and .Values.redis.enabled (not .Values.redis.url) (not .Values.redis.urlFromSecret) }}
{{- fail "redis.enabled needs redis.url (redis://host:6379/0) or redis.urlFromSecret=true (LOFTY_REDIS_URL in the Secret)" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.urlFromSecret }}
{{- fail "set redis.url or redis.urlFromSecret, not both" }}
{{- end }}
{{- $managed := dict "LOFTY_MCP_ADDR" "the chart (the container port)" "LOFTY_MCP_ALLOWED_HOSTS" "allowedHosts" "LOFTY_MCP_ALLOWED_ORIGINS" "allowedOrigins" "LOFTY_MCP_METRICS_ADDR" "metrics" "LOFTY_MCP_OAUTH" "oauth.enabled" "LOFTY_MCP_PUBLIC_URL" "oauth.publicURL" "LOFTY_MCP_PRIVACY_CONTACT" "oauth.privacyContact" "LOFTY_MCP_STATE_DIR" "oauth.stateClaim (the chart mounts the state directory)" "LOFTY_BASE_URL" "lofty.baseURL" "LOFTY_MCP_LOG_FORMAT" "logFormat" "LOFTY_MCP_LOG_LEVEL" "logLevel" }}
{{- range $k, $v := .Values.env }}
{{- if hasKey $managed $k }}
{{- fail (printf "env.%s is set by the chart: use %s" $k (get $managed $k)) }}
{{- end }}
{{- if has $k (list "LOFTY_MCP_AUTH_TOKEN" "LOFTY_API_KEY" "LOFTY_ACCESS_TOKEN" "LOFTY_MCP_SESSION_KEY" "LOFTY_MCP_SECRET_KEY" "LOFTY_OAUTH_CLIENT_ID" "LOFTY_OAUTH_CLIENT_SECRET" "LOFTY_REDIS_URL") }}
{{- fail (printf "env.%s: secret settings come from the Secret (existingSecret), never from values" $k) }}
{{- end }}
{{- end }}
{{- end }}
