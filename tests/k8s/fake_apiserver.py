#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A stand-in for the Kubernetes API server, for testing kubectl-pwru.

No real API server can run on this machine (no etcd, no kube-apiserver
package, no registry for their images), so the plugin is tested against the
real kubectl talking plain HTTP to this small server on 127.0.0.1. It knows
only what kubectl-pwru asks for: get a pod or a node, create a pod, poll its
status, stream its log, delete it. Every request is appended as one JSON line
to the record file so the test can assert on exactly what reached the "API".

The scenario comes from a JSON file:
  {"pods": {"NS/NAME": "NODE", ...}, "nodes": ["NODE", ...],
   "log_lines": 3,          lines each tracer pod prints
   "hold_logs": false,      keep log streams open until the pod is deleted
   "cut_follow": false,     a followed log ends before the summary line
   "json_logs": false,      log lines are pwru --output-json events
   "pending_polls": 1,      status polls answered Pending before Running
   "waiting_reason": null,  e.g. "ImagePullBackOff": the pod never runs
   "exit_code": 0,          pwru's exit status once its log has ended
   "create_error": null,    e.g. {"code": 403, "message": "..."}
   "log_error": null,       the same for reading a pod's log
   "pod_failed": null,      {"reason": "OutOfcpu", "message": "..."}: the
                            kubelet rejects the tracer pod
   "denied": [],            what SelfSubjectAccessReviews deny: "get pods/log"
   "namespaces": ["shop", "team", "pwru-system"],  the namespaces there are
   "labels": {"NS/NAME": {"app": "web"}},      the pods' labels
   "deployments": {"NS/NAME": {"app": "web"}}, each one's matchLabels
   "endpoints": {"NS/NAME": ["NS/POD", ...]},  each service's ready pods
   "cri": null}             run created pods for real, see CriNode
"""
import argparse
import json
import os
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOLD_LIMIT_S = 30      # a held log stream never outlives this
LINE_GAP_S = 0.05
WATCH_TICK_S = 0.25    # a watch looks at its pod this often (one "poll")


class CriNode:
    """A node behind the stand-in: created pods run on a real containerd
    through tests/k8s/cri-pod-run (which sends what a kubelet would), their
    status comes from CRI and their log from the CRI log file. Scenario:
      "cri": {"pod_run": PATH, "endpoint": "unix://...", "work": DIR,
              "host_paths": {"/run/x.sock": "/tmp/..."}}   hostPath rewrites for the
    test machine (the test's containerd socket is not under the host's /run).
    """

    def __init__(self, conf):
        self.conf = conf
        self.pods = {}  # "ns/name" -> (sandbox id, container id, log path)

    def tool(self, *args):
        r = subprocess.run([self.conf["pod_run"], "-e", self.conf["endpoint"]]
                           + list(args), capture_output=True, text=True,
                           timeout=90)
        return r.returncode, r.stdout.strip(), r.stderr.strip()

    def run(self, key, pod):
        pod = json.loads(json.dumps(pod))
        for v in pod["spec"].get("volumes", []):
            hp = v.get("hostPath", {})
            hp["path"] = self.conf.get("host_paths", {}).get(hp.get("path"),
                                                               hp.get("path"))
        work = os.path.join(self.conf["work"], key.replace("/", "_"))
        os.makedirs(work, exist_ok=True)
        with open(os.path.join(work, "pod.json"), "w") as f:
            json.dump(pod, f)
        rc, out, err = self.tool("run", os.path.join(work, "pod.json"),
                                 os.path.join(work, "logs"))
        ids = out.split()
        log = os.path.join(work, "logs", pod["spec"]["containers"][0]["name"],
                           "0.log")
        if len(ids) == 2:
            self.pods[key] = (ids[0], ids[1], log)
        return rc == 0, err

    def status(self, key):
        _, ctr, _ = self.pods[key]
        rc, state, _ = self.tool("state", ctr)
        if state == "exited":
            _, code, _ = self.tool("wait", ctr, "1")
            code = int(code or 1)
            return {"phase": "Failed" if code else "Succeeded",
                    "containerStatuses": [{"name": "pwru", "state": {
                        "terminated": {"exitCode": code}}}]}
        if state == "running":
            return {"phase": "Running", "containerStatuses": [{
                "name": "pwru", "state": {"running": {}}}]}
        return {"phase": "Pending", "containerStatuses": [{
            "name": "pwru", "state": {"waiting": {
                "reason": "ContainerCreating"}}}]}

    def follow_log(self, key, write, follow):
        """Copies the CRI log's content to write() until the container has
        exited and the file is read to its end (or HOLD_LIMIT_S)."""
        _, ctr, path = self.pods[key]
        deadline = time.monotonic() + HOLD_LIMIT_S
        pos = 0
        while time.monotonic() < deadline:
            done = not follow or self.tool("state", ctr)[1] == "exited"
            if os.path.exists(path):
                with open(path) as f:
                    f.seek(pos)
                    chunk = f.read()
                    pos = f.tell()
                for line in chunk.splitlines():
                    # "TIME STREAM F|P CONTENT": P is a partial line.
                    parts = line.split(" ", 3)
                    if len(parts) == 4:
                        write(parts[3] + ("\n" if parts[2] == "F" else ""))
            if done:
                return
            time.sleep(0.2)

    def remove(self, key):
        if key in self.pods:
            self.tool("rm", self.pods.pop(key)[0])


class State:
    def __init__(self, scenario, record_path):
        self.scenario = scenario
        self.record_path = record_path
        self.lock = threading.Lock()
        self.created = {}   # "ns/name" -> pod object
        self.polls = {}     # "ns/name" -> status polls so far
        self.deleted = set()
        self.finished = set()  # tracer pods whose log stream ended
        self.namespaces = set(scenario.get("namespaces",
                                           ["shop", "team", "pwru-system"]))
        self.cri = CriNode(scenario["cri"]) if scenario.get("cri") else None

    def record(self, entry):
        with self.lock, open(self.record_path, "a") as f:
            f.write(json.dumps(entry) + "\n")


def status_obj(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure",
            "message": message, "reason": reason, "code": code}


def target_pod(ns, name, node, labels=None):
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": ns, "uid": "uid-" + name,
                         "labels": labels or {}},
            "spec": {"nodeName": node, "containers": [{"name": "app"}]},
            "status": {"phase": "Running"}}


def selector_matches(selector, labels):
    """kubectl's -l syntax, equality terms only (what the plugin sends for
    matchLabels)."""
    for term in filter(None, selector.split(",")):
        key, _, value = term.partition("=")
        if labels.get(key) != value:
            return False
    return True


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-apiserver/1"

    def log_message(self, fmt, *args):
        pass

    @property
    def state(self):
        return self.server.state

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def not_found(self, what):
        self.send_json(404, status_obj(404, "NotFound", what + " not found"))

    def parts(self):
        url = urllib.parse.urlsplit(self.path)
        return url.path.strip("/").split("/"), urllib.parse.parse_qs(url.query)

    def read_chunked(self):
        raw = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return raw
            raw += self.rfile.read(size)
            self.rfile.readline()

    def read_body(self):
        # kubectl sends a body read from stdin chunked (length unknown).
        if "chunked" in (self.headers.get("Transfer-Encoding") or ""):
            raw = self.read_chunked()
        else:
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return raw.decode(errors="replace")

    def do_GET(self):
        p, q = self.parts()
        self.state.record({"method": "GET", "path": "/" + "/".join(p),
                           "query": q})
        if p == ["api"]:
            return self.send_json(200, {"kind": "APIVersions",
                                        "versions": ["v1"]})
        if len(p) == 4 and p[:3] == ["api", "v1", "nodes"]:
            if p[3] in self.state.scenario.get("nodes", []):
                return self.send_json(200, {"kind": "Node", "apiVersion": "v1",
                                            "metadata": {"name": p[3]}})
            return self.not_found('nodes "%s"' % p[3])
        sc = self.state.scenario
        if len(p) == 4 and p[:3] == ["api", "v1", "namespaces"]:
            if p[3] in self.state.namespaces:
                return self.send_json(200, {"kind": "Namespace",
                                            "metadata": {"name": p[3]}})
            return self.not_found('namespaces "%s"' % p[3])
        if p[:3] == ["api", "v1", "namespaces"] and p[4:] == [
                "serviceaccounts", "default"] and p[3] in self.state.namespaces:
            return self.send_json(200, {"kind": "ServiceAccount",
                                        "metadata": {"name": "default"}})
        if len(p) == 7 and p[:4] == ["apis", "apps", "v1", "namespaces"] \
                and p[5] == "deployments":
            sel = sc.get("deployments", {}).get(p[4] + "/" + p[6])
            if sel is None:
                return self.not_found('deployments.apps "%s"' % p[6])
            return self.send_json(200, {
                "kind": "Deployment", "metadata": {"name": p[6], "namespace": p[4]},
                "spec": {"selector": {"matchLabels": sel}}})
        if len(p) == 6 and p[:3] == ["api", "v1", "namespaces"] \
                and p[4] == "endpoints":
            pods = sc.get("endpoints", {}).get(p[3] + "/" + p[5])
            if pods is None:
                return self.not_found('endpoints "%s"' % p[5])
            addrs = [{"ip": "198.18.0.%d" % (i + 10),
                      "nodeName": sc["pods"][k],
                      "targetRef": {"kind": "Pod", "namespace": k.split("/")[0],
                                    "name": k.split("/")[1]}}
                     for i, k in enumerate(pods)]
            return self.send_json(200, {"kind": "Endpoints",
                                        "subsets": [{"addresses": addrs}] if addrs else []})
        if len(p) == 5 and p[:3] == ["api", "v1", "namespaces"] \
                and p[4] == "pods" and q.get("watch") == ["true"]:
            return self.watch_pod(p[3], q)
        if len(p) == 5 and p[:3] == ["api", "v1", "namespaces"] \
                and p[4] == "pods":
            sel = q.get("labelSelector", [""])[0]
            items = [target_pod(k.split("/")[0], k.split("/")[1], node,
                                sc.get("labels", {}).get(k))
                     for k, node in sc.get("pods", {}).items()
                     if k.split("/")[0] == p[3]
                     and selector_matches(sel, sc.get("labels", {}).get(k, {}))]
            return self.send_json(200, {"kind": "PodList", "items": items})
        if len(p) >= 6 and p[:3] == ["api", "v1", "namespaces"] \
                and p[4] == "pods":
            key = p[3] + "/" + p[5]
            if len(p) == 6:
                return self.get_pod(p[3], p[5], key)
            if len(p) == 7 and p[6] == "log":
                err = self.state.scenario.get("log_error")
                if err:
                    return self.send_json(err["code"], status_obj(
                        err["code"], "Forbidden", err["message"]))
                return self.stream_log(key, q)
        self.not_found(self.path)

    def get_pod(self, ns, name, key):
        st = self.state
        with st.lock:
            pod = st.created.get(key)
            if pod is not None and key not in st.deleted:
                st.polls[key] = st.polls.get(key, 0) + 1
                pod = json.loads(json.dumps(pod))
                pod["status"] = self.tracer_status(key)
        if pod is not None and key not in st.deleted:
            return self.send_json(200, pod)
        node = st.scenario.get("pods", {}).get(key)
        if node is not None:
            return self.send_json(200, target_pod(ns, name, node))
        self.not_found('pods "%s"' % name)

    def watch_pod(self, ns, q):
        """A watch of one pod (fieldSelector=metadata.name=NAME) as the API
        server sends it: ADDED, then MODIFIED on each change, DELETED, one
        JSON event a line. Each look at the pod counts as a poll of old."""
        field = q.get("fieldSelector", [""])[0]
        if not field.startswith("metadata.name="):
            return self.send_json(400, status_obj(400, "BadRequest",
                                                  "watch one pod by name"))
        key = ns + "/" + field[len("metadata.name="):]
        st = self.state
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        last = None
        deadline = time.monotonic() + HOLD_LIMIT_S
        try:
            while time.monotonic() < deadline:
                with st.lock:
                    pod = st.created.get(key)
                    gone = pod is None or key in st.deleted
                    if not gone:
                        st.polls[key] = st.polls.get(key, 0) + 1
                        pod = json.loads(json.dumps(pod))
                        pod["status"] = self.tracer_status(key)
                if gone:
                    if last is not None:
                        self.send_event("DELETED", last)
                    return
                if pod != last:
                    self.send_event("ADDED" if last is None else "MODIFIED", pod)
                last = pod
                time.sleep(WATCH_TICK_S)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (kubectl killed)

    def send_event(self, kind, obj):
        self.wfile.write(json.dumps({"type": kind, "object": obj}).encode() + b"\n")
        self.wfile.flush()

    def tracer_status(self, key):
        st = self.state
        if st.cri:
            return st.cri.status(key)
        if key in st.finished:
            code = st.scenario.get("exit_code", 0)
            return {"phase": "Failed" if code else "Succeeded",
                    "containerStatuses": [{"name": "pwru", "state": {
                        "terminated": {"exitCode": code}}}]}
        failed = st.scenario.get("pod_failed")
        if failed:
            # As a kubelet rejects a pod at admission: no container status.
            return {"phase": "Failed", "reason": failed["reason"],
                    "message": failed["message"]}
        reason = st.scenario.get("waiting_reason")
        if reason or st.polls[key] <= st.scenario.get("pending_polls", 1):
            return {"phase": "Pending", "containerStatuses": [{
                "name": "pwru", "state": {"waiting": {
                    "reason": reason or "ContainerCreating",
                    "message": "stand-in says " + (reason or "wait")}}}]}
        return {"phase": "Running", "containerStatuses": [{
            "name": "pwru", "state": {"running": {}}}]}

    def stream_log(self, key, q):
        try:
            self.write_log(key, q)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (kubectl killed): nothing to do

    def write_log(self, key, q):
        st = self.state
        pod = st.created.get(key)
        if pod is None:
            return self.not_found(self.path)
        node = pod.get("spec", {}).get("nodeName", "?")
        if st.cri:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()

            def write(text):
                self.wfile.write(text.encode())
                self.wfile.flush()
            return st.cri.follow_log(key, write, "follow" in q)
        # No Content-Length: the body ends when the connection closes, the
        # way a followed log ends when the container exits.
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"Listening for events...\n")
        for i in range(st.scenario.get("log_lines", 3)):
            time.sleep(LINE_GAP_S)
            self.wfile.write(self.event_line(i, node).encode())
            self.wfile.flush()
        if st.scenario.get("cut_follow") and "follow" in q:
            # The stream ends before the last line, as a real one can.
            with st.lock:
                st.finished.add(key)
            return
        if st.scenario.get("hold_logs") and "follow" in q:
            deadline = time.monotonic() + HOLD_LIMIT_S
            while key not in st.deleted and time.monotonic() < deadline:
                time.sleep(0.05)
            return
        self.wfile.write(b"%d events, 0 lost\n" %
                         st.scenario.get("log_lines", 3))
        with st.lock:
            st.finished.add(key)

    def event_line(self, i, node):
        if self.state.scenario.get("json_logs"):
            # A 64-bit timestamp and skb address, which a double would round.
            return '{"ts": %d, "skb": 18446612688342876160, "func": "ip_rcv", "seq": %d}\n' \
                % (1732527000123456789 + i, i)
        return "event %d from %s\n" % (i, node)

    def do_POST(self):
        p, q = self.parts()
        body = self.read_body()
        self.state.record({"method": "POST", "path": "/" + "/".join(p),
                           "query": q, "body": body})
        if p == ["api", "v1", "namespaces"] and isinstance(body, dict):
            name = body.get("metadata", {}).get("name")
            with self.state.lock:
                self.state.namespaces.add(name)
            return self.send_json(201, body)
        if p == ["apis", "authorization.k8s.io", "v1",
                 "selfsubjectaccessreviews"] and isinstance(body, dict):
            return self.access_review(body)
        if not (len(p) == 5 and p[:3] == ["api", "v1", "namespaces"]
                and p[4] == "pods" and isinstance(body, dict)):
            return self.not_found(self.path)
        err = self.state.scenario.get("create_error")
        if err:
            return self.send_json(err["code"], status_obj(
                err["code"], "Forbidden", err["message"]))
        meta = body.setdefault("metadata", {})
        meta.setdefault("namespace", p[3])
        meta["uid"] = "uid-created-" + meta.get("name", "")
        key = p[3] + "/" + meta.get("name", "")
        if self.state.cri:
            ok, err = self.state.cri.run(key, body)
            if not ok:
                self.state.cri.remove(key)
                return self.send_json(500, status_obj(
                    500, "InternalError", "cri-pod-run: " + err))
        with self.state.lock:
            self.state.created[key] = body
        self.send_json(201, body)

    def access_review(self, body):
        a = body.get("spec", {}).get("resourceAttributes", {})
        what = "%s %s%s" % (a.get("verb"), a.get("resource"),
                            "/" + a["subresource"] if a.get("subresource") else "")
        allowed = what not in self.state.scenario.get("denied", [])
        body["status"] = {"allowed": allowed}
        if not allowed:
            body["status"]["reason"] = "stand-in denies " + what
        self.send_json(201, body)

    def do_DELETE(self):
        p, q = self.parts()
        self.state.record({"method": "DELETE", "path": "/" + "/".join(p),
                           "query": q})
        if len(p) == 6 and p[:3] == ["api", "v1", "namespaces"] \
                and p[4] == "pods":
            key = p[3] + "/" + p[5]
            with self.state.lock:
                pod = self.state.created.get(key)
                if pod is not None:
                    self.state.deleted.add(key)
            if pod is not None:
                if self.state.cri:
                    self.state.cri.remove(key)
                return self.send_json(200, pod)
        self.not_found(self.path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--record", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=float, default=120,
                    help="exit after this many seconds whatever happens")
    args = ap.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(scenario, args.record)
    threading.Timer(args.lifetime, srv.shutdown).start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
