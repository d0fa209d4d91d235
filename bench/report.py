#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv into the Markdown tables of bench/RESULTS.md.

Throughput figures are medians over the repeated runs; "per CPU-s" is answered queries divided
by the server's own CPU time (utime + stime) during the same run, also a median. The last column
compares Vigie with the best peer on that line.

Usage: report.py results.tsv
"""

import statistics
import sys
from collections import defaultdict

LOWER_IS_BETTER = ("ms", "MB", "s ", "lost", "ticks")


def load(path):
    rows = defaultdict(list)
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 4:
            server, lst, metric, value = parts
            rows[(server, lst, metric)].append(value)
    return rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def main():
    rows = load(sys.argv[1])
    servers = []
    for server, _, _ in rows:
        if server != "machine" and server not in servers:
            servers.append(server)

    def med(server, lst, metric):
        vals = [num(v) for v in rows.get((server, lst, metric), [])]
        vals = [v for v in vals if v is not None]
        return statistics.median(vals) if vals else None

    def per_cpu(server, lst, w):
        done = [num(v) for v in rows.get((server, lst, f"{w}-completed"), [])]
        cpu = [num(v) for v in rows.get((server, lst, f"{w}-cpu"), [])]
        vals = [d / c for d, c in zip(done, cpu) if d is not None and c]
        return statistics.median(vals) if vals else None

    lines = []  # (label, unit, {server: value})
    for w, label in [("blocked", "blocked"), ("cached", "cached-allowed"), ("mixed", "mix")]:
        lines.append((f"qps, {label} (100-domain list)", "qps",
                      {s: med(s, "100", f"{w}-qps") for s in servers}))
        lines.append((f"answered per server CPU-s, {label}", "q/CPU-s",
                      {s: per_cpu(s, "100", w) for s in servers}))
    for p in ["p50", "p90", "p99", "p999"]:
        lines.append((f"latency {p} at 10k qps, mix (ms)", "ms",
                      {s: med(s, "100", f"lat-{p}-ms") for s in servers}))
    lines.append(("qps, blocked (1M-domain list)", "qps",
                  {s: med(s, "1m", "blocked-qps") for s in servers}))
    lines.append(("answered per server CPU-s, blocked (1M)", "q/CPU-s",
                  {s: per_cpu(s, "1m", "blocked") for s in servers}))

    def ratio_1m(s):
        a, b = med(s, "1m", "blocked-qps"), med(s, "100", "blocked-qps")
        return a / b if a and b else None

    lines.append(("blocked qps 1M / 100 list", "ratio", {s: ratio_1m(s) for s in servers}))
    lines.append(("1M list enforced after start", "s ",
                  {s: med(s, "1m", "enforced-s") for s in servers}))

    def mb(s, lst, m):
        v = med(s, lst, m)
        return v / 1024 if v is not None else None

    lines.append(("VmHWM with the 1M list", "MB", {s: mb(s, "1m", "vmhwm-kb") for s in servers}))
    lines.append(("queries lost, 1M reload under 50k qps", "lost",
                  {s: med(s, "1m", "reload-lost") for s in servers}))
    lines.append(("  of queries sent", "sent",
                  {s: med(s, "1m", "reload-sent") for s in servers}))
    lines.append(("  new list in force after", "s ",
                  {s: med(s, "1m", "reload-seconds") for s in servers}))
    lines.append(("idle CPU ticks in 10 s (100 list)", "ticks",
                  {s: med(s, "100", "idle-cpu-ticks-10s") for s in servers}))
    lines.append(("idle RSS (100 list)", "MB",
                  {s: mb(s, "100", "idle-rss-kb") for s in servers}))

    def fmt(v, unit):
        if v is None:
            return "—"
        if unit in ("qps", "q/CPU-s", "sent"):
            return f"{v / 1000:.1f}k"
        if unit == "lost":
            return f"{v:.0f}"
        if unit == "ticks":
            return f"{v:.0f}"
        if unit == "MB":
            return f"{v:.1f} MB"
        if unit == "ratio":
            return f"{v:.2f}"
        if unit == "s ":
            return f"{v:.2f} s"
        return f"{v:.3f}"

    head = "| measure | " + " | ".join(servers) + " | vigie vs best peer |"
    print(head)
    print("| --- " * (len(servers) + 2) + "|")
    for label, unit, vals in lines:
        peers = [v for s, v in vals.items() if s != "vigie" and v is not None]
        vig = vals.get("vigie")
        cmp = "—"
        if vig is not None and peers and unit not in ("ratio", "sent", "lost"):
            best = min(peers) if unit in LOWER_IS_BETTER else max(peers)
            if best:
                cmp = f"{vig / best:.2f}×"
        cells = " | ".join(fmt(vals.get(s), unit) for s in servers)
        print(f"| {label} | {cells} | {cmp} |")

    print()
    for s in servers:
        for lst in ["100", "1m"]:
            for w in ["blocked", "cached", "mixed"]:
                codes = rows.get((s, lst, f"{w}-rcodes"))
                if codes:
                    print(f"- {s}, {lst} list, {w}: {codes[0]}")
    shipped_ticks = med("vigie", "shipped", "idle-cpu-ticks-10s")
    shipped_rss = mb("vigie", "shipped", "idle-rss-kb")
    if shipped_rss is not None:
        print(f"- vigie with the shipped lists, idle: {shipped_ticks:.0f} CPU ticks in 10 s, "
              f"RSS {shipped_rss:.1f} MB")
    for key in ["uptime-start", "uptime-end", "dnsperf-duration-s", "repeat", "wall-seconds"]:
        v = rows.get(("machine", "-", key))
        if v:
            print(f"- {key}: {v[0]}")


if __name__ == "__main__":
    main()
