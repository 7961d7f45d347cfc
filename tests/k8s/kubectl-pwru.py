#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kubectl-pwru end to end, against the real kubectl.

No real API server can run on this machine (no kube-apiserver or etcd
package, no registry for their images), so kubectl is pointed, through a
kubeconfig in a temporary directory, at tests/k8s/fake_apiserver.py on
127.0.0.1: a stand-in that records every request and answers the few calls
the plugin makes. The checks read that record: which node the tracer pod was
put on, what it runs and with which privileges and mounts, that its log
reached stdout, and that it was deleted on exit, on SIGINT and on errors.
"""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PLUGIN = os.path.join(ROOT, os.environ.get("OUT", "build"), "kubectl-pwru")
RUN_LIMIT_S = 60          # no plugin run may take longer than this
failures = 0

NEEDED_MOUNTS = {
    "/sys/kernel/btf": "/sys/kernel/btf",
    "/sys/kernel/tracing": "/sys/kernel/tracing",
    "/sys/kernel/debug": "/sys/kernel/debug",
    "/sys/fs/bpf": "/sys/fs/bpf",
    "/host/proc": "/proc",
    "/host/var/log/pods": "/var/log/pods",
    # Only the node's CRI socket (the stand-in's nodes report no runtime:
    # containerd's), never all of /run.
    "/host/run/containerd/containerd.sock": "/run/containerd/containerd.sock",
}

KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
  - name: stand-in
    cluster: {server: "http://127.0.0.1:%(port)d"}
contexts:
  - name: stand-in
    context: {cluster: stand-in, user: nobody, namespace: shop}
  - name: other
    context: {cluster: stand-in, user: nobody, namespace: team}
current-context: stand-in
users:
  - name: nobody
    user: {}
"""

PODS = {"shop/frontend": "node-a", "shop/c": "node-a", "shop/b": "node-b",
        "team/x": "node-c"}
NODES = ["node-a", "node-b", "node-c"]


def check(name, ok, expected="", saw=""):
    global failures
    if ok:
        print("PASS: " + name)
    else:
        failures += 1
        print("FAIL: %s - expected %s, saw %s" % (name, expected, saw))
    sys.stdout.flush()


class StandIn:
    """One stand-in API server with one scenario, in its own temp dir."""

    def __init__(self, **scenario):
        self.dir = tempfile.TemporaryDirectory(prefix="kubectl-pwru-test.")
        d = self.dir.name
        scenario.setdefault("pods", PODS)
        scenario.setdefault("nodes", NODES)
        with open(os.path.join(d, "scenario.json"), "w") as f:
            json.dump(scenario, f)
        self.record = os.path.join(d, "record.jsonl")
        port_file = os.path.join(d, "port")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fake_apiserver.py"),
             "--scenario", os.path.join(d, "scenario.json"),
             "--record", self.record, "--port-file", port_file,
             "--lifetime", str(RUN_LIMIT_S * 2)])
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file) and time.monotonic() < deadline:
            time.sleep(0.02)
        with open(port_file) as f:
            port = int(f.read())
        self.kubeconfig = os.path.join(d, "kubeconfig")
        with open(self.kubeconfig, "w") as f:
            f.write(KUBECONFIG % {"port": port})
        # kubectl caches discovery under $HOME; keep it in the temp dir.
        self.env = dict(os.environ, KUBECONFIG=self.kubeconfig, HOME=d)

    def run(self, *args):
        return subprocess.run([PLUGIN] + list(args), env=self.env,
                              capture_output=True, text=True,
                              timeout=RUN_LIMIT_S)

    def start(self, *args):
        return subprocess.Popen([PLUGIN] + list(args), env=self.env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def requests(self, method=None):
        if not os.path.exists(self.record):
            return []
        with open(self.record) as f:
            reqs = [json.loads(line) for line in f]
        # The plugin's access questions and its priority class are not
        # what these tests look at: left out here.
        reqs = [r for r in reqs if "selfsubjectaccessreviews" not in r["path"]
                and "/priorityclasses" not in r["path"]]
        return [r for r in reqs if method is None or r["method"] == method]

    def created(self):
        """The pods created (not namespaces)."""
        return [r["body"] for r in self.requests("POST")
                if r["path"].endswith("/pods")]

    def left_behind(self):
        """Tracer pods created and never deleted."""
        made = {"/api/v1/namespaces/%s/pods/%s" % (
            p["metadata"]["namespace"], p["metadata"]["name"])
            for p in self.created()}
        gone = {r["path"] for r in self.requests("DELETE")}
        return sorted(made - gone)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.dir.cleanup()


def mounts_of(spec):
    vols = {v["name"]: v.get("hostPath", {}).get("path")
            for v in spec.get("volumes", [])}
    return {m["mountPath"]: vols.get(m["name"])
            for m in spec["containers"][0].get("volumeMounts", [])}


def check_tracer_pod(what, pod, node, args):
    spec = pod.get("spec", {})
    c = spec.get("containers", [{}])[0]
    check(what + ": tracer pod on the pod's node", spec.get("nodeName") == node,
          node, spec.get("nodeName"))
    check(what + ": tracer pod is privileged",
          c.get("securityContext") == {"privileged": True},
          {"privileged": True}, c.get("securityContext"))
    check(what + ": tracer pod has hostPID and hostNetwork",
          spec.get("hostPID") is True and spec.get("hostNetwork") is True,
          "both true", (spec.get("hostPID"), spec.get("hostNetwork")))
    check(what + ": tracer pod mounts what pwru needs",
          mounts_of(spec) == NEEDED_MOUNTS, NEEDED_MOUNTS, mounts_of(spec))
    check(what + ": pwru's arguments", c.get("args") == args, args,
          c.get("args"))
    check(what + ": tracer pod has a deadline",
          isinstance(spec.get("activeDeadlineSeconds"), (int, float))
          and spec["activeDeadlineSeconds"] > 0,
          "activeDeadlineSeconds > 0", spec.get("activeDeadlineSeconds"))
    check(what + ": tracer pod never restarts",
          spec.get("restartPolicy") == "Never", "Never",
          spec.get("restartPolicy"))


def test_one_pod():
    s = StandIn(log_lines=3)
    try:
        r = s.run("pod/frontend", "-n", "shop", "--", "--output-tuple",
                  "tcp port 80")
        check("one pod: exits 0", r.returncode == 0, 0,
              "%d (%s)" % (r.returncode, r.stderr.strip()))
        gets = [q["path"] for q in s.requests("GET")]
        check("one pod: looks the pod up",
              "/api/v1/namespaces/shop/pods/frontend" in gets,
              "GET .../shop/pods/frontend", gets)
        made = s.created()
        check("one pod: creates one tracer pod", len(made) == 1, 1, len(made))
        if made:
            check_tracer_pod("one pod", made[0], "node-a",
                             ["--host-root", "/host", "--filter-pod",
                              "shop/frontend", "--output-tuple",
                              "tcp port 80"])
            check("one pod: tracer pod in namespace pwru-system",
                  s.requests("POST")[0]["path"] == "/api/v1/namespaces/pwru-system/pods",
                  "/api/v1/namespaces/pwru-system/pods", s.requests("POST")[0]["path"])
        want = ["Listening for events...", "event 0 from node-a",
                "event 1 from node-a", "event 2 from node-a",
                "3 events, 0 lost"]
        check("one pod: the log reaches stdout in order",
              r.stdout.splitlines() == want, want, r.stdout.splitlines())
        tracer = made[0]["metadata"]["name"] if made else "?"
        watches = [q for q in s.requests("GET")
                   if q["path"] == "/api/v1/namespaces/pwru-system/pods"
                   and q["query"].get("watch") == ["true"]]
        looks = [q for q in s.requests("GET")
                 if q["path"] == "/api/v1/namespaces/pwru-system/pods/" + tracer]
        check("one pod: the tracer's status comes from one watch, no polling",
              len(watches) == 1 and not looks
              and watches[0]["query"].get("fieldSelector") == ["metadata.name=" + tracer],
              "one watch of metadata.name=%s, no GET of the pod" % tracer,
              (watches, len(looks)))
        logs = [q for q in s.requests("GET") if q["path"].endswith("/log")]
        check("one pod: follows the log of the pwru container",
              logs and logs[0]["query"].get("follow") == ["true"]
              and logs[0]["query"].get("container") == ["pwru"],
              "follow=true&container=pwru", logs)
        check("one pod: reads the log once more after pwru ended",
              len(logs) == 2 and "follow" not in logs[1]["query"]
              and logs[1]["query"].get("container") == ["pwru"],
              "a second read without follow", logs)
        check("one pod: tracer pod deleted on normal exit",
              made and not s.left_behind(), "none left", s.left_behind())
    finally:
        s.close()


def test_follow_cut_short():
    """A followed log that ends before the container's last lines reach it
    (seen on a real kubelet) is completed from a re-read: the summary."""
    s = StandIn(cut_follow=True)
    try:
        r = s.run("pod/frontend", "-n", "shop")
        out = r.stdout.splitlines()
        check("followed log cut short: the summary still reaches stdout, once",
              r.returncode == 0 and out.count("3 events, 0 lost") == 1
              and out[-1] == "3 events, 0 lost" and out.count("event 2 from node-a") == 1,
              "exit 0 and each line once, the summary last", (r.returncode, out, r.stderr))
    finally:
        s.close()


def test_access():
    """Rights are asked before a privileged pod exists; a log the server
    still refuses is one error line and a non-zero exit."""
    s = StandIn(denied=["get pods/log"])
    try:
        r = s.run("pod/frontend", "-n", "shop")
        err = r.stderr.strip().splitlines()
        check("no pods/log right: exit 1, one line, nothing created",
              r.returncode == 1 and len(err) == 1 and "get pods/log" in err[0]
              and not s.requests("POST"),
              "exit 1, one line naming get pods/log, no POST",
              (r.returncode, err, s.requests("POST")))
    finally:
        s.close()
    s = StandIn(log_error={"code": 403, "message": "no log for you"})
    try:
        r = s.run("pod/frontend", "-n", "shop")
        err = r.stderr.strip().splitlines()
        check("log refused by the server: exit 1 with its reason, tracer deleted",
              r.returncode == 1 and len(err) == 1 and "no log for you" in err[0]
              and s.created() and not s.left_behind(),
              "exit 1, one line with the reason, no pod left",
              (r.returncode, err, s.left_behind()))
    finally:
        s.close()


def test_tracer_never_runs():
    """A tracer the kubelet rejects, or one that stays Pending: exit 1 with
    the pod's own reason, and the pod deleted."""
    s = StandIn(pod_failed={"reason": "OutOfcpu",
                            "message": "Pod Node didn't have enough resource: cpu"})
    try:
        r = s.run("pod/frontend", "-n", "shop")
        err = r.stderr.strip().splitlines()
        check("rejected by the kubelet: exit 1, one line with the reason",
              r.returncode == 1 and len(err) == 1 and "OutOfcpu" in err[0]
              and "enough resource: cpu" in err[0] and not s.left_behind(),
              "exit 1, OutOfcpu and its message, no pod left",
              (r.returncode, err, s.left_behind()))
    finally:
        s.close()
    s = StandIn(pending_polls=1000)
    try:
        r = s.run("pod/frontend", "-n", "shop", "--pod-running-timeout", "2")
        err = r.stderr.strip().splitlines()
        check("still Pending at --pod-running-timeout: exit 1 with the pod's state",
              r.returncode == 1 and len(err) == 1 and "within 2 s" in err[0]
              and "ContainerCreating" in err[0] and "describe" not in err[0]
              and not s.left_behind(),
              "exit 1, one line with Pending: ContainerCreating, no pod left",
              (r.returncode, err, s.left_behind()))
    finally:
        s.close()


def test_tracer_namespace():
    """pwru-system is made on first use only when the user says yes."""
    s = StandIn(namespaces=["shop"])
    try:
        r = s.run("pod/frontend", "-n", "shop")
        err = r.stderr.strip().splitlines()
        check("no pwru-system, no --yes, no terminal: exit 1, one line, nothing made",
              r.returncode == 1 and len(err) == 1 and "--yes" in err[0]
              and not s.requests("POST"), "exit 1 naming --yes",
              (r.returncode, err, s.requests("POST")))
        r = s.run("pod/frontend", "-n", "shop", "--yes")
        posts = s.requests("POST")
        ns = [p["body"] for p in posts if p["path"] == "/api/v1/namespaces"]
        labels = ns[0]["metadata"].get("labels", {}) if ns else {}
        check("--yes: pwru-system made, labelled for privileged pods, tracer there",
              r.returncode == 0 and len(ns) == 1 and ns[0]["metadata"]["name"] == "pwru-system"
              and labels.get("pod-security.kubernetes.io/enforce") == "privileged"
              and any(p["path"] == "/api/v1/namespaces/pwru-system/pods" for p in posts),
              "a labelled namespace and the pod in it", (r.returncode, ns, r.stderr))
        r = s.run("pod/frontend", "-n", "shop", "--tracer-namespace", "shop")
        check("--tracer-namespace: used as it is, nothing made",
              r.returncode == 0 and s.requests("POST")[-1]["path"]
              == "/api/v1/namespaces/shop/pods"
              and len([p for p in s.requests("POST")
                       if p["path"] == "/api/v1/namespaces"]) == 1,
              "the tracer in shop", (r.returncode, s.requests("POST")[-1]["path"]))
    finally:
        s.close()


def test_kubectl_flags():
    """kubectl's global flags reach every kubectl call the plugin makes."""
    with tempfile.TemporaryDirectory(prefix="kubectl-pwru-flags.") as d:
        fake = os.path.join(d, "kubectl")
        calls = os.path.join(d, "calls")
        with open(fake, "w") as f:
            f.write('#!/bin/sh\necho "$*" >> %s\n'
                    'echo \'{"spec": {"nodeName": "n1"}}\'\n' % calls)
        os.chmod(fake, 0o755)
        r = subprocess.run([PLUGIN, "--kubectl", fake, "--as", "alice",
                            "--as-group", "g1", "--as-group", "g2", "-s",
                            "https://127.0.0.1:1", "--token", "t0k",
                            "--v", "6", "--request-timeout", "5s",
                            "--dry-run", "pod/a"],
                           capture_output=True, text=True, timeout=RUN_LIMIT_S)
        lines = open(calls).read().splitlines() if os.path.exists(calls) else []
        want = ["--as=alice", "--as-group=g1", "--as-group=g2",
                "--server=https://127.0.0.1:1", "--token=t0k", "--v=6"]
        check("kubectl global flags: on every kubectl call",
              r.returncode == 0 and len(lines) >= 2
              and all(all(w in l.split() for w in want) for l in lines)
              and "--request-timeout=5s" in lines[-1].split(),
              "each call with %s" % want, (r.returncode, lines, r.stderr))


def test_as_kubectl_plugin():
    """`kubectl pwru ...`: kubectl finds kubectl-pwru on PATH and passes
    every argument on, "--" and what follows included."""
    s = StandIn()
    try:
        env = dict(s.env, PATH=os.path.dirname(PLUGIN) + os.pathsep +
                   os.environ.get("PATH", ""))
        r = subprocess.run(["kubectl", "pwru", "pod/frontend", "-n", "shop",
                            "--", "-n", "x", "udp"], env=env,
                           capture_output=True, text=True, timeout=RUN_LIMIT_S)
        made = s.created()
        args = made[0]["spec"]["containers"][0]["args"] if made else None
        check("kubectl pwru: runs as a kubectl plugin",
              r.returncode == 0 and args == ["--host-root", "/host",
                                             "--filter-pod", "shop/frontend",
                                             "-n", "x", "udp"],
              "exit 0 and pwru args after --", (r.returncode, args,
                                                 r.stderr.strip()))
        check("kubectl pwru: tracer pod deleted", made and not s.left_behind(),
              "none left", s.left_behind())
    finally:
        s.close()


def test_namespace_and_context():
    s = StandIn()
    try:
        r = s.run("pod/frontend", "--", "icmp")
        made = s.created()
        check("no -n: the context's namespace is used",
              r.returncode == 0 and made and made[0]["spec"]["containers"][0]
              ["args"][3] == "shop/frontend", "--filter-pod shop/frontend",
              made and made[0]["spec"]["containers"][0]["args"])
        r = s.run("--context", "other", "pod/x")
        made = s.created()[1:]
        check("--context other: its namespace and the pod's node",
              r.returncode == 0 and made
              and made[0]["spec"]["nodeName"] == "node-c"
              and "team/x" in made[0]["spec"]["containers"][0]["args"],
              "team/x on node-c", made and (made[0]["spec"]["containers"][0]["args"],
                                            made[0]["spec"]["nodeName"]))
        check("--context: tracer pods deleted", not s.left_behind(),
              "none left", s.left_behind())
    finally:
        s.close()


def test_several_pods():
    s = StandIn(log_lines=3)
    try:
        r = s.run("-n", "shop", "pod/frontend", "pod/b", "pod/c", "--",
                  "tcp")
        check("several pods: exits 0", r.returncode == 0, 0,
              "%d (%s)" % (r.returncode, r.stderr.strip()))
        made = {p["spec"]["nodeName"]: p for p in s.created()}
        check("several pods: one tracer per node", sorted(made) ==
              ["node-a", "node-b"] and len(s.created()) == 2,
              ["node-a", "node-b"], [p["spec"]["nodeName"]
                                     for p in s.created()])
        if "node-a" in made and "node-b" in made:
            check_tracer_pod("several pods (node-a)", made["node-a"], "node-a",
                             ["--host-root", "/host",
                              "--filter-pod", "shop/frontend",
                              "--filter-pod", "shop/c", "tcp"])
            check_tracer_pod("several pods (node-b)", made["node-b"], "node-b",
                             ["--host-root", "/host",
                              "--filter-pod", "shop/b", "tcp"])
        lines = r.stdout.splitlines()
        for node in ("node-a", "node-b"):
            mine = [ln for ln in lines if ln.startswith("[%s] " % node)]
            want = ["[%s] %s" % (node, x) for x in
                    ["Listening for events...", "event 0 from " + node,
                     "event 1 from " + node, "event 2 from " + node,
                     "3 events, 0 lost"]]
            check("several pods: %s's lines, in order, named" % node,
                  mine == want, want, mine)
        check("several pods: every line names its node",
              all(ln.startswith(("[node-a] ", "[node-b] ")) for ln in lines)
              and len(lines) == 10, "10 labelled lines", lines)
        check("several pods: tracer pods deleted", not s.left_behind(),
              "none left", s.left_behind())
    finally:
        s.close()


def test_pod_sets():
    """deployment/, svc/ and -l stand for pods: one tracer per node they
    run on, each filtering the pods there."""
    pods = dict(PODS)
    pods.update({"shop/web-1": "node-a", "shop/web-2": "node-b",
                 "shop/web-3": "node-a", "shop/db-1": "node-c"})
    labels = {"shop/web-1": {"app": "web"}, "shop/web-2": {"app": "web"},
              "shop/web-3": {"app": "web"}, "shop/db-1": {"app": "db"}}
    s = StandIn(pods=pods, labels=labels, deployments={"shop/web": {"app": "web"}},
                endpoints={"shop/web": ["shop/web-2"], "shop/none": []})
    try:
        def plan(*args):
            before = len(s.created())
            r = s.run("-n", "shop", *args, "--", "icmp")
            made = s.created()[before:]
            return r, {p["spec"]["nodeName"]: [a for a in p["spec"]["containers"][0]["args"]
                                              if a.startswith("shop/")] for p in made}
        web = {"node-a": ["shop/web-1", "shop/web-3"], "node-b": ["shop/web-2"]}
        r, made = plan("deployment/web")
        check("deployment/web: a tracer on each of its nodes with its pods there",
              r.returncode == 0 and made == web, web, (r.returncode, made, r.stderr))
        check("deployment/web: the nodes' lines merged, each labelled",
              "[node-a] 3 events, 0 lost" in r.stdout.splitlines()
              and "[node-b] 3 events, 0 lost" in r.stdout.splitlines(),
              "both nodes' summaries", r.stdout)
        r, made = plan("-l", "app=web")
        check("-l app=web: the same pods as the deployment",
              r.returncode == 0 and made == web, web, (r.returncode, made, r.stderr))
        r, made = plan("svc/web")
        check("svc/web: its endpoints' pod on its node",
              r.returncode == 0 and made == {"node-b": ["shop/web-2"]},
              {"node-b": ["shop/web-2"]}, (r.returncode, made, r.stderr))
        r, made = plan("svc/web", "pod/db-1")
        check("svc/web pod/db-1: targets of several kinds together",
              r.returncode == 0 and made == {"node-b": ["shop/web-2"],
                                             "node-c": ["shop/db-1"]},
              "node-b and node-c", (r.returncode, made, r.stderr))
        r, made = plan("svc/none")
        check("a service without ready pods: exit 1, one line, nothing created",
              r.returncode == 1 and not made and len(r.stderr.splitlines()) == 1
              and "no ready pod" in r.stderr, "exit 1 and a reason",
              (r.returncode, made, r.stderr))
        r, made = plan("-l", "app=nothing")
        check("a selector that matches nothing: exit 1, one line",
              r.returncode == 1 and not made and "app=nothing" in r.stderr,
              "exit 1 naming the selector", (r.returncode, made, r.stderr))
        r, made = plan("deployment/nope")
        check("an unknown deployment: exit 1 with the server's reason",
              r.returncode == 1 and not made and "not found" in r.stderr,
              "exit 1, NotFound", (r.returncode, r.stderr))
        check("pod sets: tracer pods deleted", not s.left_behind(), "none left",
              s.left_behind())
    finally:
        s.close()


def test_json_merge():
    s = StandIn(log_lines=2, json_logs=True)
    try:
        r = s.run("-n", "shop", "pod/frontend", "pod/b", "--",
                  "--output-json")
        events = []
        for ln in r.stdout.splitlines():
            if ln.startswith("{"):
                events.append(ln)
        ok = len(events) == 4
        for ln in events:
            ev = json.loads(ln)
            ok = ok and ev.get("node") in ("node-a", "node-b") \
                and ln.startswith('{"node":"')
        check("--output-json, several nodes: a \"node\" member first",
              ok, "4 events each starting with node", r.stdout)
        check("--output-json: 64-bit numbers passed on digit for digit",
              all('"ts": 17325270001234567' in ln
                  and '18446612688342876160' in ln for ln in events)
              and len(events) == 4, "ts and skb unchanged", events)
    finally:
        s.close()


def read_until(proc, text, limit_s):
    """Reads proc's stdout until a line contains text; returns what it read."""
    seen = ""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and text not in seen:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
    return seen


def test_signal(sig, code):
    name = signal.Signals(sig).name
    s = StandIn(log_lines=2, hold_logs=True)
    p = s.start("pod/frontend", "-n", "shop", "--", "icmp")
    try:
        seen = read_until(p, "event 1 from node-a", 20)
        check("%s: log streams while pwru runs" % name,
              "event 1 from node-a" in seen, "event 1 from node-a", seen)
        check("%s: tracer pod still there before the signal" % name,
              len(s.created()) == 1 and not s.requests("DELETE"),
              "created, not deleted", s.requests("DELETE"))
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        check("%s: exits %d" % (name, code), rc == code, code, rc)
        check("%s: tracer pod deleted" % name,
              s.created() and not s.left_behind(), "none left",
              s.left_behind() or "nothing created")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()
        s.close()


def test_stdout_closed():
    """`kubectl pwru ... | head`: the reader leaves, the tracer goes."""
    s = StandIn(log_lines=200, hold_logs=True)
    p = s.start("pod/frontend", "-n", "shop")
    try:
        seen = read_until(p, "event 1 from node-a", 20)
        p.stdout.close()
        try:
            rc = p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        check("stdout closed: plugin ends", rc == 0 and "event 1" in seen,
              "exit 0 after the reader left", rc)
        check("stdout closed: tracer pod deleted",
              s.created() and not s.left_behind(), "none left",
              s.left_behind())
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stderr.close()
        s.close()


def test_dry_run():
    s = StandIn()
    try:
        r = s.run("--dry-run", "-n", "shop", "--image", "reg.example/pwru:1",
                  "pod/frontend", "--", "tcp port 80")
        try:
            pod = json.loads(r.stdout)
        except ValueError:
            pod = {}
        check("--dry-run: prints the pod", pod.get("kind") == "Pod", "Pod",
              r.stdout[:200] + r.stderr)
        if pod:
            check_tracer_pod("--dry-run", pod, "node-a",
                             ["--host-root", "/host", "--filter-pod",
                              "shop/frontend", "tcp port 80"])
            image = pod["spec"]["containers"][0].get("image")
            check("--dry-run: --image used", image == "reg.example/pwru:1",
                  "reg.example/pwru:1", image)
        check("--dry-run: creates nothing", not s.requests("POST"),
              "no POST", s.requests("POST"))
        r = s.run("--dry-run", "-n", "shop", "pod/frontend", "pod/b")
        lst = json.loads(r.stdout) if r.stdout.startswith("{") else {}
        check("--dry-run, two nodes: a List of two pods",
              lst.get("kind") == "List" and len(lst.get("items", [])) == 2,
              "List of 2", r.stdout[:200])
    finally:
        s.close()


def test_node():
    s = StandIn()
    try:
        r = s.run("node/node-b", "--", "--output-limit-lines", "5")
        made = s.created()
        check("node/: exits 0", r.returncode == 0, 0, r.stderr.strip())
        check("node/: checks the node exists",
              any(q["path"] == "/api/v1/nodes/node-b"
                  for q in s.requests("GET")), "GET /api/v1/nodes/node-b",
              [q["path"] for q in s.requests("GET")])
        if made:
            check_tracer_pod("node/", made[0], "node-b",
                             ["--host-root", "/host", "--output-limit-lines",
                              "5"])
        check("node/: tracer pod deleted", made and not s.left_behind(),
              "none left", s.left_behind())
    finally:
        s.close()


def test_errors():
    s = StandIn()
    try:
        r = s.run("pod/nope", "-n", "shop")
        check("unknown pod: exits 1 with kubectl's reason",
              r.returncode == 1 and 'pods "nope" not found' in r.stderr,
              'exit 1, pods "nope" not found', (r.returncode, r.stderr))
        check("unknown pod: creates nothing", not s.requests("POST"),
              "no POST", s.requests("POST"))
        r = s.run("rs/frontend")
        check("unknown kind: usage error naming the expected forms",
              r.returncode != 0 and "pod/NAME" in r.stderr
              and "deployment/NAME" in r.stderr,
              "pod/NAME and deployment/NAME in the message", r.stderr)
        posts = len(s.requests("POST"))
        r = s.run("frontend")
        made = s.created()[posts:]
        args = made[0]["spec"]["containers"][0]["args"] if made else []
        check("bare name: traced as a pod, as kubectl logs NAME takes it",
              r.returncode == 0 and "shop/frontend" in args,
              "exit 0 and --filter-pod shop/frontend", (r.returncode, args, r.stderr))
        r = s.run("-n", "../kube-system", "pod/frontend")
        check("bad namespace rejected before any request",
              r.returncode == 1 and "not a namespace name" in r.stderr
              and not [q for q in s.requests() if "kube-system" in q["path"]],
              "exit 1, no request", (r.returncode, r.stderr))
        r = s.run("--active-deadline", "soon", "pod/frontend")
        check("bad --active-deadline rejected",
              r.returncode == 2 and "active-deadline" in r.stderr,
              "exit 2", (r.returncode, r.stderr))
    finally:
        s.close()
    s = StandIn(create_error={"code": 403, "message":
                              'pods "x" is forbidden: violates PodSecurity '
                              '"baseline:latest": privileged'})
    try:
        r = s.run("pod/frontend", "-n", "shop")
        check("Pod Security rejection: exits 1 and says what to do",
              r.returncode == 1 and "PodSecurity" in r.stderr
              and "--tracer-namespace" in r.stderr, "a hint", r.stderr)
    finally:
        s.close()
    s = StandIn(waiting_reason="ImagePullBackOff")
    try:
        r = s.run("pod/frontend", "-n", "shop", "--pod-running-timeout", "30")
        check("image pull failure: reported without waiting out the timeout",
              r.returncode == 1 and "ImagePullBackOff" in r.stderr,
              "exit 1 naming ImagePullBackOff", (r.returncode, r.stderr))
        check("image pull failure: tracer pod deleted",
              s.created() and not s.left_behind(), "none left",
              s.left_behind())
    finally:
        s.close()
    s = StandIn(exit_code=3)
    try:
        r = s.run("pod/frontend", "-n", "shop")
        check("pwru's exit status becomes the plugin's", r.returncode == 3,
              3, r.returncode)
        check("failed pwru: tracer pod deleted",
              s.created() and not s.left_behind(), "none left",
              s.left_behind())
    finally:
        s.close()


def main():
    if not os.access(PLUGIN, os.X_OK):
        print("FAIL: kubectl-pwru built - expected %s, saw nothing" % PLUGIN)
        return 1
    try:
        subprocess.run(["kubectl", "version", "--client"], capture_output=True,
                       timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        print("SKIP: kubectl-pwru against kubectl - no kubectl "
              "(scripts/install-deps.sh installs kubernetes-client)")
        return 0
    test_one_pod()
    test_follow_cut_short()
    test_access()
    test_pod_sets()
    test_kubectl_flags()
    test_tracer_namespace()
    test_tracer_never_runs()
    test_as_kubectl_plugin()
    test_namespace_and_context()
    test_several_pods()
    test_json_merge()
    test_signal(signal.SIGINT, 130)
    test_signal(signal.SIGTERM, 143)
    test_stdout_closed()
    test_dry_run()
    test_node()
    test_errors()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
