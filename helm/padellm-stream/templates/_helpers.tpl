{{/* Names and labels. */}}
{{- define "padellm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "padellm.fullname" -}}
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

{{- define "padellm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "padellm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "padellm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "padellm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "padellm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "padellm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The CUDA image when a GPU is requested, the CPU image otherwise. */}}
{{- define "padellm.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.gpu.enabled }}
{{- $tag = default (printf "%s-cuda" $tag) .Values.image.cudaTag }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{- define "padellm.modelDir" -}}
{{- if eq .Values.model.source "image" }}
{{- .Values.model.imagePath }}
{{- else if .Values.model.volume.bundlePath }}
{{- printf "%s/%s" (trimSuffix "/" .Values.model.volume.mountPath) (trimPrefix "/" .Values.model.volume.bundlePath) }}
{{- else }}
{{- .Values.model.volume.mountPath }}
{{- end }}
{{- end }}

{{- define "padellm.executionProviders" -}}
{{- if .Values.gpu.enabled }}
{{- join "," .Values.gpu.executionProviders }}
{{- else }}
{{- join "," .Values.inference.executionProviders }}
{{- end }}
{{- end }}

{{/* Replicas beyond the input topic's partitions would sit idle in the consumer group. */}}
{{- define "padellm.kedaMaxReplicas" -}}
{{- min (int .Values.autoscaling.keda.maxReplicaCount) (int .Values.kafka.inputTopicPartitions) }}
{{- end }}

{{- define "padellm.hpaMaxReplicas" -}}
{{- min (int .Values.autoscaling.hpa.maxReplicas) (int .Values.kafka.inputTopicPartitions) }}
{{- end }}

{{- define "padellm.tlsMountPath" -}}/etc/padellm/kafka-tls{{- end }}

{{/* Cross-field checks the JSON schema cannot express. */}}
{{- define "padellm.validate" -}}
{{- if and .Values.autoscaling.keda.enabled .Values.autoscaling.hpa.enabled }}
{{- fail "autoscaling.keda.enabled and autoscaling.hpa.enabled are mutually exclusive: enable one" }}
{{- end }}
{{- if and (ne .Values.kafka.sasl.mechanism "none") (not .Values.kafka.sasl.existingSecret) }}
{{- fail (printf "kafka.sasl.mechanism=%s needs kafka.sasl.existingSecret (a Secret with the username and password)" .Values.kafka.sasl.mechanism) }}
{{- end }}
{{- if and .Values.kafka.tls.existingSecret (not .Values.kafka.tls.enabled) }}
{{- fail "kafka.tls.existingSecret is set but kafka.tls.enabled is false" }}
{{- end }}
{{- if and .Values.kafka.tls.existingSecret (ne (empty .Values.kafka.tls.certKey) (empty .Values.kafka.tls.keyKey)) }}
{{- fail "mutual TLS needs both kafka.tls.certKey and kafka.tls.keyKey (or neither)" }}
{{- end }}
{{- if and (or (eq .Values.kafka.inputFormat "avro") (eq .Values.kafka.outputFormat "avro")) (not .Values.schemaRegistry.url) }}
{{- fail "avro input or output format needs schemaRegistry.url" }}
{{- end }}
{{- if and (eq .Values.model.source "pvc") (not .Values.model.volume.claimName) }}
{{- fail "model.source=pvc needs model.volume.claimName" }}
{{- end }}
{{- if and (eq .Values.model.source "volume") (not .Values.model.volume.spec) }}
{{- fail "model.source=volume needs model.volume.spec (a volume source such as nfs, csi or hostPath)" }}
{{- end }}
{{- end }}
