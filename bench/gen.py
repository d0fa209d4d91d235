#!/usr/bin/env python3
"""Generates the benchmark's inputs, deterministically, into one folder.

- domains-1m.txt / domains-100.txt: the blocklists, one domain per line (the 100 are the first
  100 of the million). Random names of 1-2 labels under common endings, so none is a public
  suffix and none falls inside the test zone.
- the same lists in each server's own syntax: dnsmasq `address=/d/` lines, unbound
  `local-zone: "d." always_nxdomain`, an RPZ zone for knot-resolver (apex and `*.`).
- vigiebench.zone: the ~10k-name test zone the local authoritative upstream serves.
- dnsperf query files: q-blocked-100 (names under the 100 list), q-blocked-1m (names spread over
  the whole million), q-cached (2,000 names of the test zone, few enough to stay cached in every
  server) and q-mixed (one query in four blocked, three cached-allowed).

Usage: gen.py OUTDIR
"""

import os
import random
import sys

ENDINGS = ["com", "net", "org", "io", "de", "info", "fr", "co.uk", "ru", "nl"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
ZONE = "vigiebench"
ZONE_NAMES = 10_000


def label(rng):
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 12)))


def domains(rng, n):
    seen = set()
    out = []
    while len(out) < n:
        d = ".".join(label(rng) for _ in range(rng.randint(1, 2))) + "." + rng.choice(ENDINGS)
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def query_name(rng, d):
    """The apex, `www.`, or a deeper subdomain: every server must block all three."""
    r = rng.random()
    if r < 0.4:
        return d
    if r < 0.8:
        return "www." + d
    return label(rng) + ".cdn." + d


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines))
        f.write("\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261124)
    million = domains(rng, 1_000_000)
    lists = {"100": million[:100], "1m": million}
    for tag, ds in lists.items():
        write_lines(f"{out}/domains-{tag}.txt", ds)
        write_lines(f"{out}/dnsmasq-{tag}.conf", (f"address=/{d}/" for d in ds))
        write_lines(
            f"{out}/unbound-{tag}.conf",
            ["server:"] + [f'local-zone: "{d}." always_nxdomain' for d in ds],
        )
        rpz = [
            "$TTL 60",
            "@ SOA localhost. nobody.invalid. 1 3600 600 86400 60",
            "@ NS localhost.",
        ]
        for d in ds:
            rpz.append(f"{d} CNAME .")
            rpz.append(f"*.{d} CNAME .")
        write_lines(f"{out}/rpz-{tag}.zone", rpz)

    zone = [
        "$TTL 86400",
        f"$ORIGIN {ZONE}.",
        "@ SOA ns.vigiebench. hostmaster.vigiebench. 1 3600 600 86400 3600",
        "@ NS ns",
        "ns A 127.0.0.1",
    ]
    for i in range(ZONE_NAMES):
        zone.append(f"h{i:05d} A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
    write_lines(f"{out}/{ZONE}.zone", zone)

    write_lines(
        f"{out}/q-blocked-100.txt",
        (f"{query_name(rng, rng.choice(lists['100']))} A" for _ in range(20_000)),
    )
    write_lines(
        f"{out}/q-blocked-1m.txt",
        (f"{query_name(rng, rng.choice(million))} A" for _ in range(100_000)),
    )
    cached = [f"h{i:05d}.{ZONE} A" for i in range(2_000)]
    write_lines(f"{out}/q-cached.txt", cached)
    mixed = []
    for _ in range(20_000):
        if rng.random() < 0.25:
            mixed.append(f"{query_name(rng, rng.choice(lists['100']))} A")
        else:
            mixed.append(rng.choice(cached))
    write_lines(f"{out}/q-mixed.txt", mixed)
    # A name of the million's last stretch: answered as blocked only once the whole list is in.
    write_lines(f"{out}/probe.txt", ["www." + million[-1]])


if __name__ == "__main__":
    main()
