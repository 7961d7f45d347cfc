#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tracer is one object in four places: k8s/pod.yaml, k8s/daemonset.yaml,
the chart's templates and the pod kubectl-pwru creates. This suite checks
that each carries what pwru needs on a node (privileged, host PID and
network, the host mounts, tolerations, a deadline for one-shot pods, the
Pod Security label on the namespace) and that the four agree on the mounts.
Helm is not in Debian, so the chart's mount blocks (plain YAML inside
`define`s) are compared instead of a rendered chart."""
import json
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.environ.get("OUT", "build")
PLUGIN = os.path.join(ROOT, OUT, "kubectl-pwru")
failures = 0

# What pwru needs from the host: mount path in the pod -> host path.
NEEDED_MOUNTS = {
    "/sys/kernel/btf": "/sys/kernel/btf",
    "/sys/kernel/tracing": "/sys/kernel/tracing",
    "/sys/kernel/debug": "/sys/kernel/debug",
    "/sys/fs/bpf": "/sys/fs/bpf",
    "/host/proc": "/proc",
    "/host/run": "/run",
    "/host/var/log/pods": "/var/log/pods",
}


def check(name, ok, expected="", saw=""):
    global failures
    if ok:
        print("PASS: " + name)
    else:
        failures += 1
        print("FAIL: %s - expected %s, saw %s" % (name, expected, saw))


def load(path):
    with open(os.path.join(ROOT, path)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def mounts_of(pod_spec):
    """mount path -> host path, through the volume names."""
    vols = {v["name"]: v.get("hostPath", {}).get("path")
            for v in pod_spec.get("volumes", [])}
    c = pod_spec["containers"][0]
    return {m["mountPath"]: vols.get(m["name"])
            for m in c.get("volumeMounts", [])}


# The plugin knows the node it creates its pod for: it mounts that node's
# CRI socket alone (hostPath type Socket), not all of /run.
PLUGIN_SOCKET = "/run/containerd/containerd.sock"
PLUGIN_MOUNTS = dict(
    [(k, v) for k, v in NEEDED_MOUNTS.items() if k != "/host/run"] +
    [("/host" + PLUGIN_SOCKET, PLUGIN_SOCKET)])


def check_tracer(what, spec, one_shot, needed=NEEDED_MOUNTS):
    c = spec["containers"][0]
    check(what + " is privileged",
          c.get("securityContext", {}).get("privileged") is True,
          "securityContext.privileged true", c.get("securityContext"))
    check(what + " uses the host PID namespace", spec.get("hostPID") is True,
          "hostPID true", spec.get("hostPID"))
    check(what + " uses the host network", spec.get("hostNetwork") is True,
          "hostNetwork true", spec.get("hostNetwork"))
    check(what + " mounts what pwru needs", mounts_of(spec) == needed,
          needed, mounts_of(spec))
    untyped = [v["name"] for v in spec.get("volumes", [])
               if "hostPath" in v and not v["hostPath"].get("type")]
    check(what + ": every hostPath has a type (a missing one fails with a "
          "reason, never becomes an empty directory)", not untyped,
          "a type on each", untyped)
    check(what + " tolerates every taint",
          {"operator": "Exists"} in spec.get("tolerations", []),
          "a toleration with operator Exists", spec.get("tolerations"))
    args = c.get("args", [])
    check(what + " passes --host-root /host",
          args[:2] == ["--host-root", "/host"], "--host-root /host first",
          args[:2])
    if one_shot:
        check(what + " has a deadline",
              isinstance(spec.get("activeDeadlineSeconds"), int)
              and spec["activeDeadlineSeconds"] > 0,
              "activeDeadlineSeconds > 0", spec.get("activeDeadlineSeconds"))
        check(what + " never restarts", spec.get("restartPolicy") == "Never",
              "restartPolicy Never", spec.get("restartPolicy"))


def helper_block(text, name):
    m = re.search(r'\{\{- define "%s" -\}\}\n(.*?)\{\{- end \}\}' %
                  re.escape(name), text, re.S)
    return yaml.safe_load(m.group(1)) if m else None


def main():
    ns = load("k8s/namespace.yaml")[0]
    labels = ns["metadata"].get("labels", {})
    check("namespace enforces Pod Security level privileged",
          labels.get("pod-security.kubernetes.io/enforce") == "privileged",
          "pod-security.kubernetes.io/enforce: privileged", labels)

    pod = load("k8s/pod.yaml")[0]
    check_tracer("k8s/pod.yaml", pod["spec"], one_shot=True)
    ds = load("k8s/daemonset.yaml")[0]
    ds_spec = ds["spec"]["template"]["spec"]
    check_tracer("k8s/daemonset.yaml", ds_spec, one_shot=False)
    script = ds_spec["containers"][0]["command"][2]
    check("k8s/daemonset.yaml idles after the trace",
          "sleep" in script and "wait" in script, "a sleep loop", script)
    check("k8s/daemonset.yaml traces for a bounded time",
          "--duration" in ds_spec["containers"][0]["args"],
          "--duration in args", ds_spec["containers"][0]["args"])

    with open(os.path.join(ROOT, "charts/pwru/templates/_helpers.tpl")) as f:
        helpers = f.read()
    chart_vols = helper_block(helpers, "pwru.volumes")
    chart_mounts = helper_block(helpers, "pwru.volumeMounts")
    check("chart volumes are k8s/'s", chart_vols == pod["spec"]["volumes"],
          pod["spec"]["volumes"], chart_vols)
    check("chart volumeMounts are k8s/'s",
          chart_mounts == pod["spec"]["containers"][0]["volumeMounts"],
          pod["spec"]["containers"][0]["volumeMounts"], chart_mounts)
    tpl = {}
    for name in ("daemonset.yaml", "pod.yaml"):
        with open(os.path.join(ROOT, "charts/pwru/templates", name)) as f:
            tpl[name] = f.read()
        check("chart %s is privileged with host PID and network" % name,
              all(s in tpl[name] for s in ("privileged: true",
                                           "pwru.podSettings",
                                           "pwru.volumeMounts")),
              "privileged, podSettings, volumeMounts", "a template without")
    settings = helpers[helpers.index('define "pwru.podSettings"'):]
    check("chart pods share host PID and network",
          "hostPID: true" in settings and "hostNetwork: true" in settings,
          "hostPID and hostNetwork in pwru.podSettings", "not both")
    check("chart pod has a deadline",
          "activeDeadlineSeconds" in tpl["pod.yaml"],
          "activeDeadlineSeconds in templates/pod.yaml", "none")

    check_chart_templates()

    r = subprocess.run(["kubectl", "kustomize", os.path.join(ROOT, "k8s")],
                       capture_output=True, text=True, timeout=60)
    kinds = [d.get("kind") for d in yaml.safe_load_all(r.stdout) if d] \
        if r.returncode == 0 else r.stderr.strip()
    check("kubectl kustomize k8s/ gives the namespace and the DaemonSet",
          kinds == ["Namespace", "DaemonSet"], ["Namespace", "DaemonSet"],
          kinds)

    if not os.access(PLUGIN, os.X_OK):
        print("SKIP: kubectl-pwru pod matches k8s/pod.yaml - %s not built"
              % PLUGIN)
    else:
        check_plugin_pod(pod)
    return 1 if failures else 0


def check_chart_templates():
    """What can be checked of Go templates without Helm: blocks close, every
    include has its define, every .Values path exists in values.yaml."""
    tdir = os.path.join(ROOT, "charts/pwru/templates")
    with open(os.path.join(ROOT, "charts/pwru/values.yaml")) as f:
        values = yaml.safe_load(f)
    texts = {}
    for name in sorted(os.listdir(tdir)):
        with open(os.path.join(tdir, name)) as f:
            texts[name] = f.read()
    defined = set()
    for name, t in texts.items():
        actions = re.findall(r"\{\{-?\s*(.*?)\s*-?\}\}", t, re.S)
        opened = sum(1 for a in actions
                     if re.match(r"(if|with|range|define)\b", a))
        closed = sum(1 for a in actions if a == "end")
        check("chart %s: every block ends" % name, opened == closed,
              "%d ends" % opened, closed)
        defined |= set(re.findall(r'define "([^"]+)"', t))
    used = set()
    for t in texts.values():
        used |= set(re.findall(r'include "([^"]+)"', t))
    check("chart: every include has a define", used <= defined,
          sorted(used), sorted(defined))
    missing = []
    for t in texts.values():
        for path in re.findall(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", t):
            node = values
            for key in path.strip(".").split("."):
                if not isinstance(node, dict) or key not in node:
                    missing.append(path)
                    break
                node = node[key]
    check("chart: every .Values path is in values.yaml", not missing,
          "none missing", sorted(set(missing)))
    modes = re.findall(r'eq \.Values\.mode "([a-z]+)"', "".join(texts.values()))
    check("chart: templates for both modes", sorted(modes) == ["daemonset", "job"],
          ["daemonset", "job"], modes)


def check_plugin_pod(pod):
    # --dry-run needs the pod's node: a fake kubectl answers that one call.
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        fake = os.path.join(d, "kubectl")
        with open(fake, "w") as f:
            f.write('#!/bin/sh\necho \'{"spec": {"nodeName": "node-1"}}\'\n')
        os.chmod(fake, 0o755)
        r = subprocess.run([PLUGIN, "--kubectl", fake, "-n", "shop",
                            "--dry-run", "pod/frontend"],
                           capture_output=True, text=True, timeout=60)
    try:
        made = json.loads(r.stdout)
    except ValueError:
        check("kubectl-pwru --dry-run prints a pod", False, "JSON",
              r.stdout + r.stderr)
        return
    check_tracer("kubectl-pwru's pod", made["spec"], one_shot=True,
                 needed=PLUGIN_MOUNTS)
    sock = [v["hostPath"] for v in made["spec"]["volumes"]
            if v["name"] == "cri-socket"]
    check("kubectl-pwru's pod mounts the CRI socket as a Socket",
          sock == [{"path": PLUGIN_SOCKET, "type": "Socket"}],
          [{"path": PLUGIN_SOCKET, "type": "Socket"}], sock)

    def but_cri(items):
        return [i for i in items if i["name"] not in ("cri-socket", "host-run")]
    check("kubectl-pwru's pod has k8s/pod.yaml's volumes but the CRI one",
          but_cri(made["spec"]["volumes"]) == but_cri(pod["spec"]["volumes"]),
          but_cri(pod["spec"]["volumes"]), but_cri(made["spec"]["volumes"]))
    check("kubectl-pwru's container has k8s/pod.yaml's volumeMounts but the CRI one",
          but_cri(made["spec"]["containers"][0]["volumeMounts"]) ==
          but_cri(pod["spec"]["containers"][0]["volumeMounts"]),
          but_cri(pod["spec"]["containers"][0]["volumeMounts"]),
          but_cri(made["spec"]["containers"][0]["volumeMounts"]))
    for key in ("hostPID", "hostNetwork", "tolerations",
                "restartPolicy", "automountServiceAccountToken"):
        check("kubectl-pwru's pod has k8s/pod.yaml's " + key,
              made["spec"].get(key) == pod["spec"].get(key),
              pod["spec"].get(key), made["spec"].get(key))
    mine, theirs = made["spec"]["containers"][0], pod["spec"]["containers"][0]
    for key in ("securityContext", "terminationMessagePolicy"):
        check("kubectl-pwru's container has k8s/pod.yaml's " + key,
              mine.get(key) == theirs.get(key), theirs.get(key), mine.get(key))


if __name__ == "__main__":
    sys.exit(main())
