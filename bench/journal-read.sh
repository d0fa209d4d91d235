#!/usr/bin/env bash
# What reading a full journal costs the service in memory: a journal of DAYS day files of MB
# MiB each (written in the day files' own format, a first line and a closing line per attempt,
# as the writer leaves them), then each of the parent's reads, with the service's peak resident
# memory (VmHWM of /proc/PID/status, reset before each read through /proc/PID/clear_refs).
#
#   bash bench/journal-read.sh VIGIE_BIN [DAYS] [MB]
#   e.g. bash bench/journal-read.sh target/debug/vigie 7 8
#
# Nothing leaves 127.0.0.1 (the upstream is a closed port: no allowed lookup is made); every
# process started here is stopped by its id at the end.
set -euo pipefail
vigie=$(realpath "$1")
DAYS=${2:-7}
MB=${3:-8}

work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    sleep 0.3
    rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mkdir -p "$work/config/lists" "$work/data/journal" "$work/run"
: >"$work/vigie.log"
# The cap above what is written, so that the reads see all of it.
printf '[journal]\nmax-size-mb = %d\n' $((DAYS * MB + 64)) >"$work/config/settings.toml"

python3 - "$work/data/journal" "$DAYS" "$MB" <<'EOF'
import datetime, json, sys
out, days, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
today = datetime.datetime.now(datetime.timezone.utc).date()
sites = [("Omegle", "omegle.com"), ("OmeTV", "ome.tv"), ("Chatroulette", "chatroulette.com")]
total = 0
for back in range(days, 0, -1):
    day = today - datetime.timedelta(days=back)
    start = datetime.datetime.combine(day, datetime.time(0), datetime.timezone.utc)
    n, size = 0, 0
    with open(f"{out}/{day.isoformat()}.jsonl", "w") as f:
        while size < mb << 20:
            t = start + datetime.timedelta(microseconds=n * 200_000)
            site, domain = sites[n % 3]
            e = {"id": int(t.timestamp()) * 10**9 + n, "time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                 "client": "127.0.0.1", "name": f"x{n}.www.{domain}", "site": site,
                 "list": "stranger-chat", "rule": domain, "types": ["A"], "count": 1,
                 "local": True, "account": {"uid": 1000 + n % 4, "name": f"user{n % 4}"},
                 "program": "firefox-esr"}
            first = json.dumps(e, separators=(",", ":")) + "\n"
            e["types"], e["count"] = ["A", "AAAA", "HTTPS"], 3
            last = json.dumps(e, separators=(",", ":")) + "\n"
            f.write(first + last)
            size += len(first) + len(last)
            n += 1
    total += n
print(f"journal: {days} days, {total} attempts, {total * 2} lines")
EOF
du -sh "$work/data/journal" | sed 's/^/on disk: /'

"$vigie" run --config-dir "$work/config" --data-dir "$work/data" --runtime-dir "$work/run" \
    --listen "127.0.0.1:$(port)" --upstream "127.0.0.1:$(port)" --block-page "127.0.0.1:$(port)" \
    >"$work/vigie.log" 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q "Vigie is filtering DNS" "$work/vigie.log" && break; sleep 0.1; done
sock="$work/run/api.sock"
api() { curl -sS --unix-socket "$sock" -H "authorization: Bearer $token" "http://vigie$1"; }
token=$(curl -sS --unix-socket "$sock" -H 'content-type: application/json' \
    -d '{"password":"a long parent password"}' http://vigie/v1/auth/setup |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }
echo "idle: VmRSS $(kb VmRSS) kB, VmHWM $(kb VmHWM) kB"
from=$(date -u -d "-$DAYS days" +%F)
read_one() { # name path
    echo 5 >"/proc/$pid/clear_refs"
    local start bytes
    start=$(date +%s.%N)
    bytes=$(api "$2" | wc -c)
    printf '%-34s peak VmHWM %7s kB, after VmRSS %7s kB, %9s bytes, %.1f s\n' "$1" "$(kb VmHWM)" \
        "$(kb VmRSS)" "$bytes" "$(echo "$(date +%s.%N) - $start" | bc)"
}
read_one "first page (100)" "/v1/attempts"
read_one "page of 1000, a week" "/v1/attempts?limit=1000&from=$from"
read_one "filtered page (site=OmeTV)" "/v1/attempts?site=OmeTV&from=$from"
read_one "CSV, a week" "/v1/attempts.csv?from=$from"
read_one "summary, 30 days" "/v1/attempts/summary?days=30"
read_one "status" "/v1/status"
