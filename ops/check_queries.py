#!/usr/bin/env python3
"""Checks that Pier's Grafana dashboards and alert rules only name metrics that exist.

Every PromQL expression in every panel target and template variable of every dashboard (and,
with --rules, in every alert and recording rule) is reduced to the metric names it selects.
Each name must appear as a sample in one of the --metrics files (Prometheus text format, as
scraped from a running service's /metrics), or in a --known list (one name a line), or be one of
the series Prometheus makes itself (ops/metrics/prometheus-builtin.txt).

Without --metrics or --known, only the dashboards' structure is checked.

  ops/check_queries.py --metrics scheduler.prom --metrics node.prom --metrics edge.prom \\
      --rules ops/prometheus/rules/pier-alerts.yml ops/grafana/*.json
  ops/check_queries.py --list ops/grafana/*.json      # print the names the dashboards use

Exit status: 0 all good, 1 a problem was found, 2 bad usage.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN = os.path.join(HERE, "metrics", "prometheus-builtin.txt")

KEYWORDS = {"and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "inf", "nan", "start", "end", "atan2"}
IDENT = re.compile(r"(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?")
GRAFANA_VAR = re.compile(r"\$\{[^}]*\}|\$\[\[[^\]]*\]\]|\$[A-Za-z_][A-Za-z0-9_]*")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
MATCHERS = re.compile(r"\{[^{}]*\}")
RANGES = re.compile(r"\[[^\[\]]*\]")
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
OFFSET = re.compile(r"\boffset\s+-?[0-9a-z]+|@\s*(start|end)\s*\(\s*\)|@\s*[0-9.]+")
LABEL_VALUES = re.compile(r"^\s*label_values\s*\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", re.S)


def metric_names(expr):
    """The metric names a PromQL expression selects (functions, keywords and labels dropped)."""
    text = STRING.sub('""', expr)
    names = set()
    # {__name__="x"} selects x: keep it before the matchers go.
    for m in re.finditer(r'__name__\s*=\s*"([A-Za-z_:][A-Za-z0-9_:]*)"', expr):
        names.add(m.group(1))
    text = GRAFANA_VAR.sub("1", text)
    text = MATCHERS.sub(" ", text)
    text = RANGES.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = GROUPING.sub(" ", text)
    text = OFFSET.sub(" ", text)
    for m in IDENT.finditer(text):
        word, call = m.group(1), m.group(2)
        if call or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def variable_query(var):
    """The PromQL inside a Grafana query variable, or None."""
    q = var.get("query")
    if isinstance(q, dict):
        q = q.get("query")
    if not isinstance(q, str) or not q.strip():
        return None
    m = LABEL_VALUES.match(q)
    if m:
        return m.group(1)
    m = re.match(r"^\s*query_result\s*\((.*)\)\s*$", q, re.S)
    if m:
        return m.group(1)
    if re.match(r"^\s*(label_values\s*\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)|metrics\s*\(|label_names\s*\()", q):
        return None
    return q


def walk_panels(panels):
    for p in panels or []:
        yield p
        yield from walk_panels(p.get("panels"))


def dashboard_queries(path, problems):
    """[(where, expr)] of one dashboard; structural problems are appended to problems."""
    try:
        with open(path, encoding="utf-8") as f:
            dash = json.load(f)
    except (OSError, ValueError) as e:
        problems.append(f"{path}: not readable JSON: {e}")
        return [], None
    name = os.path.basename(path)
    for key in ("uid", "title", "panels", "templating", "schemaVersion"):
        if key not in dash:
            problems.append(f"{name}: no '{key}'")
    variables = {v.get("name") for v in dash.get("templating", {}).get("list", [])}
    builtins = {"__rate_interval", "__interval", "__range", "__interval_ms", "__range_s", "__range_ms",
                "__from", "__to", "__dashboard", "__name", "__org", "__user", "__value", "__url_time_range"}
    queries = []
    ids = set()
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = variable_query(v)
            if q:
                queries.append((f"{name}: variable ${v.get('name')}", q))
    for p in walk_panels(dash.get("panels")):
        title = p.get("title", "?")
        if p.get("id") in ids:
            problems.append(f"{name}: panel id {p.get('id')} used twice")
        ids.add(p.get("id"))
        if "gridPos" not in p:
            problems.append(f"{name}: panel '{title}' has no gridPos")
        if p.get("type") == "row":
            continue
        targets = p.get("targets") or []
        if not targets:
            problems.append(f"{name}: panel '{title}' has no query")
        for t in targets:
            expr = t.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                problems.append(f"{name}: panel '{title}' target {t.get('refId')} has no expr")
                continue
            ds = t.get("datasource") or p.get("datasource") or {}
            if isinstance(ds, dict) and ds.get("uid") not in ("${datasource}", "$datasource"):
                problems.append(f"{name}: panel '{title}' does not use the $datasource variable")
            queries.append((f"{name}: panel '{title}' {t.get('refId')}", expr))
    for where, expr in queries:
        for ref in GRAFANA_VAR.findall(expr):
            var = ref.strip("${}[]").split(":")[0]
            if var not in variables and var not in builtins:
                problems.append(f"{where}: uses ${var}, which the dashboard does not define")
    return queries, dash.get("uid")


def rule_queries(path, problems):
    try:
        import yaml  # python3-yaml; Ansible depends on it
    except ImportError:
        problems.append(f"{path}: python3-yaml is needed to read rule files")
        return []
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as e:
        problems.append(f"{path}: not readable YAML: {e}")
        return []
    out = []
    for group in doc.get("groups", []):
        for rule in group.get("rules", []):
            label = rule.get("alert") or rule.get("record")
            out.append((f"{os.path.basename(path)}: rule {label}", str(rule.get("expr", ""))))
    return out


def scraped_names(path):
    names = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)", line)
            if m:
                names.add(m.group(1))
    return names


def listed_names(path):
    names = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(line)
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dashboards", nargs="*", help="dashboard JSON files (default: ops/grafana/*.json)")
    ap.add_argument("--metrics", action="append", default=[], metavar="FILE",
                    help="a /metrics scrape (Prometheus text); repeatable")
    ap.add_argument("--known", action="append", default=[], metavar="FILE",
                    help="a list of known metric names, one a line; repeatable")
    ap.add_argument("--rules", action="append", default=[], metavar="FILE",
                    help="also check the expressions of this Prometheus rule file; repeatable")
    ap.add_argument("--list", action="store_true", help="print the metric names used, one a line, and exit")
    args = ap.parse_args()

    dashboards = args.dashboards or sorted(
        os.path.join(HERE, "grafana", f) for f in os.listdir(os.path.join(HERE, "grafana")) if f.endswith(".json"))
    problems = []
    queries = []
    uids = {}
    for path in dashboards:
        found, uid = dashboard_queries(path, problems)
        queries += found
        if uid in uids:
            problems.append(f"{path}: uid {uid} is also {uids[uid]}'s")
        uids[uid] = path
    for path in args.rules:
        queries += rule_queries(path, problems)

    used = {}
    for where, expr in queries:
        names = metric_names(expr)
        if not names:
            problems.append(f"{where}: names no metric: {expr}")
        for n in names:
            used.setdefault(n, []).append(where)

    if args.list:
        print("\n".join(sorted(used)))
        return 0

    known = set()
    sources = []
    for path in args.metrics:
        names = scraped_names(path)
        if not names:
            problems.append(f"{path}: no samples in this scrape")
        known |= names
        sources.append(path)
    for path in args.known:
        known |= listed_names(path)
        sources.append(path)

    if sources:
        known |= listed_names(BUILTIN)
        missing = sorted(n for n in used if n not in known)
        for n in missing:
            where = used[n]
            problems.append(f"metric {n} is not exported (used by {len(where)} queries, e.g. {where[0]})")
        print(f"check_queries: {len(queries)} queries in {len(dashboards)} dashboards"
              f"{' and ' + str(len(args.rules)) + ' rule files' if args.rules else ''} name {len(used)} metrics;"
              f" {len(used) - len(missing)} found in {', '.join(sources)}")
    else:
        print(f"check_queries: {len(queries)} queries in {len(dashboards)} dashboards; structure only"
              " (give --metrics or --known to check metric names)")
    for p in problems:
        print("  FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
