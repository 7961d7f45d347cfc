{{/*
The tracer's pieces, shared by the DaemonSet and the Pod. They mirror
k8s/daemonset.yaml and k8s/pod.yaml object for object (and the pod that
kubectl-pwru creates); tests/k8s/lint.sh checks that the mounts agree.
*/}}

{{- define "pwru.labels" -}}
app.kubernetes.io/name: pwru
app.kubernetes.io/component: tracer
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "pwru.selectorLabels" -}}
app.kubernetes.io/name: pwru
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* pwru's command line from the values. */}}
{{- define "pwru.args" -}}
- --host-root
- /host
{{- range .Values.pods }}
- --filter-pod
- {{ . | quote }}
{{- end }}
{{- if .Values.duration }}
- --duration
- {{ .Values.duration | quote }}
{{- end }}
{{- if .Values.outputLimitLines }}
- --output-limit-lines
- {{ .Values.outputLimitLines | quote }}
{{- end }}
{{- if .Values.json }}
- --output-json
{{- end }}
{{- range .Values.args }}
- {{ . | quote }}
{{- end }}
{{- with .Values.filter }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{- define "pwru.volumeMounts" -}}
- name: sys-kernel-btf
  mountPath: /sys/kernel/btf
  readOnly: true
- name: sys-kernel-tracing
  mountPath: /sys/kernel/tracing
- name: sys-kernel-debug
  mountPath: /sys/kernel/debug
- name: sys-fs-bpf
  mountPath: /sys/fs/bpf
- name: host-proc
  mountPath: /host/proc
  readOnly: true
- name: host-run
  mountPath: /host/run
  readOnly: true
- name: host-var-log-pods
  mountPath: /host/var/log/pods
  readOnly: true
{{- end }}

{{- define "pwru.volumes" -}}
- name: sys-kernel-btf
  hostPath:
    path: /sys/kernel/btf
    type: Directory
- name: sys-kernel-tracing
  hostPath:
    path: /sys/kernel/tracing
    type: Directory
- name: sys-kernel-debug
  hostPath:
    path: /sys/kernel/debug
    type: Directory
- name: sys-fs-bpf
  hostPath:
    path: /sys/fs/bpf
    type: Directory
- name: host-proc
  hostPath:
    path: /proc
    type: Directory
- name: host-run
  hostPath:
    path: /run
    type: Directory
- name: host-var-log-pods
  hostPath:
    path: /var/log/pods
    type: Directory
{{- end }}

{{/* Pod-level settings common to both modes. */}}
{{- define "pwru.podSettings" -}}
hostPID: true
hostNetwork: true
dnsPolicy: ClusterFirstWithHostNet
terminationGracePeriodSeconds: 10
automountServiceAccountToken: false
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  {{- include "pwru.volumes" . | nindent 2 }}
{{- end }}

{{- define "pwru.image" -}}
{{ printf "%s:%s" .Values.image.repository (.Values.image.tag | toString) }}
{{- end }}
