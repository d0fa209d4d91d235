#!/usr/bin/env bash
# Starts `vigie` N times (default 5) with the 1,000,000-domain list and prints, each time, the
# seconds from exec until a name under the list's last domain is answered NXDOMAIN, and VmHWM at
# that moment. A quick re-check of run.sh's "1M list enforced" figure when the machine is quiet.
#
# Run by hand, as root, after bash bench/run.sh has built vigie and generated the lists:
#   bash bench/startup.sh [N]
# Inside its own loopback-only network namespace, like run.sh; vigie on core 0.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${WORK:=/tmp/vigie-bench}" "${CARGO_TARGET_DIR:=$(dirname "$BENCH")/target}"
export WORK CARGO_TARGET_DIR

if [[ ${1:-} != --in-namespace ]]; then
    NS="vigiestart-$$"
    trap 'ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true' EXIT
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    ip netns exec "$NS" bash "$BENCH/startup.sh" --in-namespace "${1:-5}"
    exit
fi

d=$WORK/startup
rm -rf "$d" && mkdir -p "$d/config/lists" "$d/data" "$d/run"
printf '[blocking]\nmode = "nxdomain"\n\n[lists]\nstranger-chat = false\ndns-bypass = false\n' \
    >"$d/config/settings.toml"
cp "$WORK/gen/domains-1m.txt" "$d/config/lists/bench.txt"
probe=$(cat "$WORK/gen/probe.txt")
for i in $(seq "$2"); do
    t=$(date +%s%N)
    taskset -c 0 "$CARGO_TARGET_DIR/release/vigie" run --config-dir "$d/config" \
        --data-dir "$d/data" --runtime-dir "$d/run" --listen 127.0.0.1:53 \
        --upstream 127.0.0.1:5300 --block-page 127.0.0.1:8053 >/dev/null 2>&1 &
    pid=$!
    took=$(python3 "$BENCH/probe.py" 127.0.0.1 53 "$probe" nxdomain "$t" 30 || echo never)
    echo "start $i: 1M list enforced after $took s, VmHWM $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") kB"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
done
echo "load: $(uptime | sed 's/.*load average: //')"
