#!/usr/bin/env python3
"""Walking-skeleton benchmark: how long until a new repl's preview answers, and how long a start takes.

Against a running Pier (./pier up, or bench/run.sh which starts one on spare ports), for N repls:
  create->first byte : POST /api/repls, POST /api/repls/<slug>/start, then GET the preview until its first byte
  start->running     : POST /api/repls/<slug>/start until it returns (the node waits for the app to answer)
  start->first byte  : the same, then GET the preview until its first byte (a pooled start's whole wait)
and, as the floor, the same image run bare with `docker run` (workspace bind mount, same limits): from
`docker run` to the app's first byte, on dockerd's default bridge and on a user-defined bridge without
inter-container traffic like the node's repl network (where dockerd sets up its embedded DNS resolver). Prints p50/p95 in milliseconds, and where Pier's time goes: create, start and
the first preview byte after the start as the client sees them, and the start's steps on the node-agent
(pier.node.repl.start.step in its /metrics; needs PIER_DATA and PIER_NODE_PORT, which bench/run.sh sets).
Talks to 127.0.0.1 only.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def request(port, method, path, host, body=None, timeout=120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": host, "Authorization": "Bearer " + os.environ.get("PIER_TOKEN", "")}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def first_byte(port, host, deadline_s=60):
    """Polls GET / until the app answers 200; returns when its first byte arrives."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/", headers={"Host": host})
            resp = conn.getresponse()
            resp.read(1)
            status = resp.status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError("no answer from %s within %ss" % (host, deadline_s))


def step_times():
    """The node-agent's start-step timers: {step: (count, seconds)}, or {} when its metrics cannot be read."""
    data = os.environ.get("PIER_DATA")
    node_port = os.environ.get("PIER_NODE_PORT")
    if not data or not node_port:
        return {}
    with open(os.path.join(data, "metrics-token")) as f:
        token = f.read().strip()
    conn = http.client.HTTPConnection("127.0.0.1", int(node_port), timeout=10)
    conn.request("GET", "/metrics", headers={"Authorization": "Bearer " + token})
    text = conn.getresponse().read().decode()
    conn.close()
    steps = {}
    for kind, labels, value in re.findall(
            r'^pier_node_repl_start_step_seconds_(count|sum)\{([^}]*)\} (\S+)$', text, re.M):
        step = re.search(r'step="([^"]+)"', labels).group(1)
        count, seconds = steps.get(step, (0.0, 0.0))
        steps[step] = (float(value), seconds) if kind == "count" else (count, float(value))
    return steps


def step_breakdown(before, after):
    """Mean milliseconds per start step between two readings."""
    parts = []
    for step, (count, seconds) in after.items():
        n = count - before.get(step, (0, 0))[0]
        parts.append("%s %s" % (step, "%.0f" % ((seconds - before.get(step, (0, 0))[1]) * 1000 / n) if n else "-"))
    return ", ".join(parts)


def pct(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def summary(name, ms):
    return "%-46s n=%-3d p50=%7.1f ms  p95=%7.1f ms  mean=%7.1f ms" % (
        name, len(ms), pct(ms, 50), pct(ms, 95), statistics.mean(ms))


def bench_pier(port, domain, template, n):
    apex = domain
    create_to_byte, start_to_running, created, preview_after_start = [], [], [], []
    for _ in range(n):
        t0 = time.monotonic()
        status, data = request(port, "POST", "/api/repls", apex, {"template": template})
        assert status == 201, data
        slug = json.loads(data)["slug"]
        t1 = time.monotonic()
        status, data = request(port, "POST", "/api/repls/%s/start" % slug, apex)
        assert status == 200, data
        t2 = time.monotonic()
        first_byte(port, "%s.%s" % (slug, domain))
        t3 = time.monotonic()
        create_to_byte.append((t3 - t0) * 1000)
        start_to_running.append((t2 - t1) * 1000)
        created.append((t1 - t0) * 1000)
        preview_after_start.append((t3 - t2) * 1000)
        request(port, "DELETE", "/api/repls/%s" % slug, apex)
    return create_to_byte, start_to_running, created, preview_after_start


def bench_docker(template, n, network=None):
    manifest = json.load(open(os.path.join(REPO, "templates", template, "pier.json")))
    limits = manifest["limits"]
    run_to_byte = []
    for _ in range(n):
        work = tempfile.mkdtemp(prefix="pier-bench-")
        shutil.copytree(os.path.join(REPO, "templates", template), work, dirs_exist_ok=True)
        os.chown(work, 1000, 1000)
        for root, dirs, files in os.walk(work):
            for f in dirs + files:
                os.chown(os.path.join(root, f), 1000, 1000)
        t0 = time.monotonic()
        cid = subprocess.check_output([
            "docker", "run", "-d", "--label", "pier.bench=skeleton", "--user", "1000:1000",
            "-m", "%dm" % limits["memoryMb"], "--memory-swap", "%dm" % limits["memoryMb"],
            "--cpus", str(limits["cpus"]), "--pids-limit", str(limits["pids"]), "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--read-only",
            "--tmpfs", "/tmp:rw,exec,nosuid,nodev,size=256m",
            "--tmpfs", "/home/runner:rw,exec,nosuid,nodev,size=256m,uid=1000,gid=1000",
            "-v", "%s:/workspace" % work, "-w", "/workspace", "-e", "PORT=%d" % manifest["port"],
            "-p", "127.0.0.1::%d" % manifest["port"]] + (["--network", network] if network else []) + [
            manifest["image"], "/bin/sh", "-c", manifest["run"]],
            text=True).strip()
        try:
            port = int(subprocess.check_output(["docker", "port", cid, str(manifest["port"])], text=True)
                       .strip().splitlines()[0].rsplit(":", 1)[1])
            first_byte(port, "127.0.0.1")
            run_to_byte.append((time.monotonic() - t0) * 1000)
        finally:
            subprocess.run(["docker", "rm", "-f", cid], stdout=subprocess.DEVNULL, check=True)
            shutil.rmtree(work, ignore_errors=True)
    return run_to_byte


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PIER_EDGE_PORT", "8080")))
    parser.add_argument("--domain", default=os.environ.get("PIER_DOMAIN", "pier.localhost"))
    parser.add_argument("--repls", type=int, default=20)
    parser.add_argument("--templates", default="node,python-flask")
    args = parser.parse_args()
    print("# %d repls per template, edge-proxy on 127.0.0.1:%d, %d cores" % (args.repls, args.port, os.cpu_count()))
    for template in args.templates.split(","):
        before = step_times()
        create_to_byte, start_to_running, created, preview_after_start = bench_pier(
            args.port, args.domain, template, args.repls)
        steps = step_breakdown(before, step_times())
        floor = bench_docker(template, args.repls)
        # The node's repls live on a user-defined bridge without inter-container traffic: dockerd gives such a
        # network's containers its embedded DNS resolver, set up at each start, which the default bridge has not.
        network = "pier-bench-%d" % os.getpid()
        subprocess.run(["docker", "network", "create", "--label", "pier.bench=skeleton",
                        "--opt", "com.docker.network.bridge.enable_icc=false", network],
                       stdout=subprocess.DEVNULL, check=True)
        try:
            floor_on_network = bench_docker(template, args.repls, network)
        finally:
            subprocess.run(["docker", "network", "rm", network], stdout=subprocess.DEVNULL, check=True)
        print("## %s" % template)
        print(summary("pier create -> first preview byte", create_to_byte))
        print(summary("pier start -> running", start_to_running))
        print(summary("pier start -> first preview byte",
                      [a + b for a, b in zip(start_to_running, preview_after_start)]))
        print(summary("bare docker run -> first byte", floor))
        print(summary("bare docker run, repl-like bridge -> first byte", floor_on_network))
        # In order: a slow start among fast ones (a miss of the pool) shows where it fell.
        print("  pier start -> running, each in order (ms): %s" % " ".join("%.0f" % t for t in start_to_running))
        print("  pier, mean ms: create %.0f, start %.0f, preview after start %.0f; start steps on the node: %s" % (
            statistics.mean(created), statistics.mean(start_to_running), statistics.mean(preview_after_start), steps))


if __name__ == "__main__":
    main()
