#!/usr/bin/env bash
# A list feed of 1,000,000 lines refreshed while queries flow: queries lost (must be 0), the
# service's peak memory, and the time from "check now" to the new list in force.
#
# Run by hand, as root, from anywhere:   bash bench/feed-refresh.sh
# (never part of `cargo test` or .ci/run). Inside its own loopback-only network namespace.
#
# What it does:
#   1. installs dnsperf with apt and builds `vigie` in release (SKIP_INSTALL=1, SKIP_BUILD=1);
#   2. generates the 1,000,000-domain list with bench/gen.py (shared with run.sh);
#   3. serves it as a hosts-less domain list with `python3 -m http.server` (which answers
#      If-Modified-Since with 304) on 127.0.0.1:8080, and starts vigie subscribed to it, every
#      other list off, blocking with NXDOMAIN, on core 0;
#   4. once the first download is in force, dnsperf (core 1) sends names spread over the whole
#      million at QPS queries a second for DURATION seconds; meanwhile the feed changes REFRESHES
#      times (one new domain each), and each time a parent's "check now" (POST
#      /v1/subscriptions/ID/refresh) starts a refresh; the time until the new domain is answered
#      NXDOMAIN is the time to apply (download, check, keep, reload);
#   5. prints dnsperf's sent/completed/lost, VmHWM of vigie, and each time to apply.
#
# Knobs (environment): DURATION (default 30), QPS (default 20000), REFRESHES (default 3),
# WORK (scratch folder, default /tmp/vigie-bench).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
: "${DURATION:=30}" "${QPS:=20000}" "${REFRESHES:=3}" "${WORK:=/tmp/vigie-bench}"
: "${CARGO_TARGET_DIR:=$REPO/target}"
export DURATION QPS REFRESHES WORK CARGO_TARGET_DIR

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ ${1:-} != --in-namespace ]]; then
    if [[ $(id -u) != 0 ]]; then
        echo "feed-refresh.sh: needs root (network namespace, port 53, apt)" >&2
        exit 1
    fi
    if [[ -z ${SKIP_INSTALL:-} ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends dnsperf python3 curl iproute2 util-linux >/dev/null
    fi
    if [[ -z ${SKIP_BUILD:-} ]]; then
        log "building vigie (release) into $CARGO_TARGET_DIR"
        (cd "$REPO" && cargo build --release -q -p vigie)
    fi
    mkdir -p "$WORK"
    if [[ ! -s $WORK/gen/probe.txt || $BENCH/gen.py -nt $WORK/gen/probe.txt ]]; then
        log "generating the lists into $WORK/gen"
        python3 "$BENCH/gen.py" "$WORK/gen"
    fi
    NS="vigiefeed-$$"
    trap 'ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true' EXIT
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    ip netns exec "$NS" bash "$BENCH/feed-refresh.sh" --in-namespace
    exit
fi

d=$WORK/feed
rm -rf "$d" && mkdir -p "$d/config" "$d/data" "$d/run" "$d/www"
cp "$WORK/gen/domains-1m.txt" "$d/www/list.txt"
echo "feed: $(wc -l <"$d/www/list.txt") lines, $(du -h "$d/www/list.txt" | cut -f1)"
url=http://127.0.0.1:8080/list.txt
cat >"$d/config/settings.toml" <<EOF
[blocking]
mode = "nxdomain"

[lists]
stranger-chat = false
dns-bypass = false

[parents]
uids = [0]

[[subscription]]
name = "Bench feed"
url = "$url"
format = "domains"
EOF
taskset -c 1 python3 -m http.server 8080 --bind 127.0.0.1 --directory "$d/www" \
    >"$d/http.log" 2>&1 &
http=$!
sleep 0.5
t=$(date +%s%N)
taskset -c 0 "$CARGO_TARGET_DIR/release/vigie" run --config-dir "$d/config" \
    --data-dir "$d/data" --runtime-dir "$d/run" --listen 127.0.0.1:53 \
    --upstream 127.0.0.1:5300 --block-page 127.0.0.1:8053 >"$d/vigie.log" 2>&1 &
vigie=$!
trap 'kill $vigie $http 2>/dev/null || true' EXIT
probe=$(cat "$WORK/gen/probe.txt")
first=$(python3 "$BENCH/probe.py" 127.0.0.1 53 "$probe" nxdomain "$t" 120 || echo never)
echo "first download of the feed in force $first s after start; VmHWM $(awk '/VmHWM/ {print $2}' "/proc/$vigie/status") kB"

api() { curl -s --unix-socket "$d/run/api.sock" "$@"; }
id=$(api http://vigie/v1/subscriptions | python3 -c 'import json,sys; print(json.load(sys.stdin)["subscriptions"][0]["id"])')

taskset -c 1 dnsperf -s 127.0.0.1 -p 53 -d "$WORK/gen/q-blocked-1m.txt" -l "$DURATION" \
    -Q "$QPS" -c 8 -t 2 >"$d/dnsperf.txt" 2>&1 &
perf=$!
sleep 3
for i in $(seq "$REFRESHES"); do
    new="refresh-$i-$$.example"
    { cat "$WORK/gen/domains-1m.txt"; echo "$new"; } >"$d/www/list.new"
    mv "$d/www/list.new" "$d/www/list.txt"
    t=$(date +%s%N)
    api -X POST "http://vigie/v1/subscriptions/$id/refresh" >/dev/null
    took=$(python3 "$BENCH/probe.py" 127.0.0.1 53 "www.$new" nxdomain "$t" 60 || echo never)
    echo "refresh $i: the new domain is blocked $took s after \"check now\""
    sleep 3
done
wait "$perf" || true
grep -E "Queries sent|Queries completed|Queries lost" "$d/dnsperf.txt"
echo "vigie VmHWM (peak resident) $(awk '/VmHWM/ {print $2}' "/proc/$vigie/status") kB, VmRSS now $(awk '/VmRSS/ {print $2}' "/proc/$vigie/status") kB"
echo "HTTP requests: $(grep -c '"GET /list.txt' "$d/http.log") ($(grep -c '" 304 ' "$d/http.log") answered 304)"
grep -E "a new copy|policy reloaded" "$d/vigie.log" | tail -4 || true
echo "load: $(uptime | sed 's/.*load average: //')"
