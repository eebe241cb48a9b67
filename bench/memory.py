#!/usr/bin/env python3
"""Memory benchmark (issue 16): the node-agent's resident memory with N idle repls, and each idle repl's memory.

Against a throwaway Pier (bench/run.sh memory starts one whose node-agent has room for N repls):
  - node-agent RSS before any repl, with N repls started and their apps answering, and after a quiet minute;
  - each idle `node` repl's memory as its container's cgroup counts it (docker stats: usage without page cache),
    the app started by Run the way a user does (the start waits for the app's first byte);
and, as the floor in the same run, the same image and app run bare with `docker run` (same limits and flags).
Talks to 127.0.0.1 only.
"""
import argparse
import json
import os
import statistics
import subprocess
import time

from skeleton import REPO, first_byte, pct, request


def status_mib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no %s for %d" % (field, pid))


def rss_mib(pid):
    return status_mib(pid, "VmRSS")


def rss_parts(pid):
    return "(anonymous %.1f, files %.1f; %d threads)" % (
        status_mib(pid, "RssAnon"), status_mib(pid, "RssFile"), len(os.listdir("/proc/%d/task" % pid)))


def node_agent_pid(port):
    """The java process listening on the node-agent's port (this throwaway Pier's, not another one's)."""
    out = subprocess.check_output(["ss", "-Hltnp", "sport = :%d" % port], text=True)
    for part in out.split("pid=")[1:]:
        return int(part.split(",")[0])
    raise RuntimeError("nothing listens on %d" % port)


def docker_mem_mib(ids):
    """Container memory as `docker stats` shows it (cgroup usage without the page cache), by container id."""
    out = subprocess.check_output(
        ["docker", "stats", "--no-stream", "--no-trunc", "--format", "{{.ID}} {{.MemUsage}}"] + ids, text=True)
    mem = {}
    for line in out.splitlines():
        cid, used = line.split()[0], line.split()[1]
        units = {"KiB": 1 / 1024.0, "MiB": 1.0, "GiB": 1024.0, "B": 1 / 1048576.0}
        for unit, factor in units.items():
            if used.endswith(unit):
                mem[cid] = float(used[: -len(unit)]) * factor
                break
    return mem


def pier_containers(slugs):
    """The running containers of these repls, by name (pier-<slug>-<node>): a repl started from a spare keeps the
    spare's pier.slug label, and other Piers on this machine have other repls."""
    out = subprocess.check_output(["docker", "ps", "--no-trunc", "--format", "{{.ID}} {{.Names}}"], text=True)
    prefixes = tuple("pier-%s-" % slug for slug in slugs)
    return [line.split()[0] for line in out.splitlines() if line.split()[1].startswith(prefixes)]


def bare_repls(template, n):
    manifest = json.load(open(os.path.join(REPO, "templates", template, "pier.json")))
    limits = manifest["limits"]
    ids = []
    for _ in range(n):
        ids.append(subprocess.check_output([
            "docker", "run", "-d", "--label", "pier.bench=memory", "--user", "1000:1000",
            "-m", "%dm" % limits["memoryMb"], "--memory-swap", "%dm" % limits["memoryMb"],
            "--cpus", str(limits["cpus"]), "--pids-limit", str(limits["pids"]), "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--read-only",
            "--tmpfs", "/tmp:rw,exec,nosuid,nodev,size=256m",
            "--tmpfs", "/home/runner:rw,exec,nosuid,nodev,size=256m,uid=1000,gid=1000",
            "-v", "%s:/workspace:ro" % os.path.join(REPO, "templates", template), "-w", "/workspace",
            "-e", "PORT=%d" % manifest["port"], "-p", "127.0.0.1::%d" % manifest["port"],
            manifest["image"], "/bin/sh", "-c", manifest["run"]], text=True).strip())
    for cid in ids:
        port = int(subprocess.check_output(["docker", "port", cid, str(manifest["port"])], text=True)
                   .strip().splitlines()[0].rsplit(":", 1)[1])
        first_byte(port, "127.0.0.1")
    return ids


def describe(name, values):
    return "%-44s n=%-3d p50=%6.1f MiB  max=%6.1f MiB  mean=%6.1f MiB" % (
        name, len(values), pct(values, 50), max(values), statistics.mean(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PIER_EDGE_PORT", "8080")))
    parser.add_argument("--node-port", type=int, default=int(os.environ.get("PIER_NODE_PORT", "8082")))
    parser.add_argument("--domain", default=os.environ.get("PIER_DOMAIN", "pier.localhost"))
    parser.add_argument("--repls", type=int, default=50)
    parser.add_argument("--template", default="node")
    parser.add_argument("--quiet-s", type=int, default=60)
    args = parser.parse_args()
    agent = node_agent_pid(args.node_port)
    print("# %d idle %s repls on one node-agent (pid %d), %d cores" % (args.repls, args.template, agent,
                                                                         os.cpu_count()))
    print("node-agent RSS before any repl:               %6.1f MiB" % rss_mib(agent))
    slugs = []
    for _ in range(args.repls):
        status, data = request(args.port, "POST", "/api/repls", args.domain, {"template": args.template})
        assert status == 201, data
        slug = json.loads(data)["slug"]
        status, data = request(args.port, "POST", "/api/repls/%s/start" % slug, args.domain)
        assert status == 200, data
        first_byte(args.port, "%s.%s" % (slug, args.domain))
        slugs.append(slug)
    print("node-agent RSS with %d repls just started:     %6.1f MiB" % (args.repls, rss_mib(agent)))
    bare = bare_repls(args.template, args.repls)
    try:
        time.sleep(args.quiet_s)  # idle, as the goal says: what stays once starts and first requests are over
        print("node-agent RSS after %d s idle:                %6.1f MiB %s" % (
            args.quiet_s, rss_mib(agent), rss_parts(agent)))
        pier_ids = pier_containers(slugs)
        pier_mem = list(docker_mem_mib(pier_ids).values())
        bare_mem = list(docker_mem_mib(bare).values())
        print(describe("pier idle %s repl (container memory)" % args.template, pier_mem))
        print(describe("bare docker run, same app (floor)", bare_mem))
    finally:
        subprocess.run(["docker", "rm", "-f"] + bare, stdout=subprocess.DEVNULL, check=False)
        for slug in slugs:
            request(args.port, "DELETE", "/api/repls/%s" % slug, args.domain)


if __name__ == "__main__":
    main()
