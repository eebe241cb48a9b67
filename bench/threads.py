#!/usr/bin/env python3
"""Where a process's CPU went between two snapshots, by thread kind, user and system time apart.

  threads.py snapshot PID FILE      writes each thread's name and CPU ticks so far to FILE
  threads.py diff PID FILE          prints the CPU each kind of thread used since FILE was written
Thread kinds are thread names with their numbers taken out (vert.x-eventloop-thread-3 -> vert.x-eventloop-thread-N).
"""
import os
import re
import sys

TICK = os.sysconf("SC_CLK_TCK")


def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except FileNotFoundError:
            continue  # the thread ended between the listing and the read
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[tid] = (name, int(fields[11]), int(fields[12]))
    return out


def main():
    command, pid, path = sys.argv[1:4]
    now = threads(pid)
    if command == "snapshot":
        with open(path, "w") as f:
            for tid, (name, user, system) in now.items():
                f.write(f"{tid}\t{name}\t{user}\t{system}\n")
        return
    before = {}
    with open(path) as f:
        for line in f:
            tid, name, user, system = line.rstrip("\n").split("\t")
            before[tid] = (int(user), int(system))
    kinds = {}
    for tid, (name, user, system) in now.items():
        u0, s0 = before.get(tid, (0, 0))
        kind = re.sub(r"\d+", "N", name)
        u, s = kinds.get(kind, (0, 0))
        kinds[kind] = (u + user - u0, s + system - s0)
    total = sum(u + s for u, s in kinds.values()) or 1
    for kind, (u, s) in sorted(kinds.items(), key=lambda k: -(k[1][0] + k[1][1]))[:8]:
        if u + s == 0:
            break
        print(f"    {kind:<32} {1000 * (u + s) / TICK:8.0f} ms ({100 * (u + s) / total:4.1f} %: user "
              f"{1000 * u / TICK:.0f}, system {1000 * s / TICK:.0f})")


if __name__ == "__main__":
    main()
