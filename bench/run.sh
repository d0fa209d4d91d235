#!/usr/bin/env bash
# Vigie beside dnsmasq, unbound, dnsdist and knot-resolver, measured in one run.
#
# Run by hand, as root, from anywhere:   bash bench/run.sh
# (never part of `cargo test` or .ci/run). It stops by itself; with the defaults the measurements
# take about 15 minutes on a 2-core machine (plus the first build and ~15 s of generation).
#
# What it does:
#   1. installs dnsperf, dnsmasq, unbound, nsd, dnsdist, knot-resolver and dig with apt;
#   2. builds `vigie` in release;
#   3. generates a 100-domain and a 1,000,000-domain blocklist, the same lists in each server's
#      syntax, a 10k-name test zone and dnsperf query files (bench/gen.py);
#   4. re-runs itself inside a fresh network namespace that holds only `lo`, so no query can leave
#      the machine, and deletes the namespace on exit;
#   5. there, starts NSD as the local authoritative upstream for the test zone, then each server
#      in turn on 127.0.0.1:53, blocking the same list (apex and every subdomain, NXDOMAIN) and
#      forwarding the rest to NSD with caching. The server (and NSD) run on core 0, dnsperf on
#      core 1;
#   6. writes every figure to $WORK/results.tsv and prints the tables (bench/report.py).
#
# Knobs (environment): DURATION (seconds per dnsperf run, default 10), REPEAT (runs per
# throughput figure, the median is kept; default 3), SERVERS (default
# "vigie dnsmasq unbound dnsdist kresd"; a server named twice is measured in two sessions and its
# figures pooled, e.g. "vigie unbound vigie unbound", so that drifts in the machine's speed
# fall on every server alike), WORK (scratch folder, default /tmp/vigie-bench),
# SKIP_INSTALL=1, SKIP_BUILD=1. The server name `vigie-old` runs the binary VIGIE_OLD_BIN (an
# earlier build) exactly as `vigie`, so "vigie vigie-old vigie vigie-old" compares two builds.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
: "${DURATION:=10}" "${REPEAT:=3}" "${WORK:=/tmp/vigie-bench}"
: "${SERVERS:=vigie dnsmasq unbound dnsdist kresd}"
: "${CARGO_TARGET_DIR:=$REPO/target}"
export DURATION REPEAT WORK SERVERS CARGO_TARGET_DIR

PORT=53          # each server in turn, inside the namespace
UPSTREAM=5300    # NSD
SERVER_CPU=0
CLIENT_CPU=1
LATENCY_QPS=10000
RELOAD_QPS=50000

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

outside() {
    if [[ $(id -u) != 0 ]]; then
        echo "run.sh: needs root (network namespace, port 53, apt)" >&2
        exit 1
    fi
    if [[ -z ${SKIP_INSTALL:-} ]]; then
        log "installing the servers and dnsperf with apt"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends dnsperf dnsmasq-base unbound nsd dnsdist knot-resolver \
            bind9-dnsutils lua-cqueues python3 iproute2 util-linux procps >/dev/null
    fi
    if [[ -z ${SKIP_BUILD:-} ]]; then
        log "building vigie (release) into $CARGO_TARGET_DIR"
        (cd "$REPO" && cargo build --release -q -p vigie)
    fi
    mkdir -p "$WORK"
    if [[ ! -s $WORK/gen/probe.txt || $BENCH/gen.py -nt $WORK/gen/probe.txt ]]; then
        log "generating lists, zone and query files into $WORK/gen"
        python3 "$BENCH/gen.py" "$WORK/gen"
    fi

    NS="vigiebench-$$"
    trap 'ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true' EXIT
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    log "network namespace $NS: $(ip netns exec "$NS" ip -brief link | awk '{print $1}' | xargs)"
    ip netns exec "$NS" bash "$BENCH/run.sh" --in-namespace
    python3 "$BENCH/report.py" "$WORK/results.tsv"
}

# ---------------------------------------------------------------- inside the namespace

STARTED=()

cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}

record() { # server list metric value
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$WORK/results.tsv"
}

cpu_ticks() { # utime + stime of a process, all its threads
    awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0
}

status_kb() { # VmHWM or VmRSS in kB
    awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

start_upstream() {
    local d=$WORK/nsd
    rm -rf "$d" && mkdir -p "$d"
    cp "$WORK/gen/vigiebench.zone" "$d/"
    cat >"$d/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$UPSTREAM
    port: $UPSTREAM
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$d"
    database: ""
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    pidfile: "$d/nsd.pid"
    logfile: "$d/nsd.log"
    verbosity: 0
remote-control:
    control-enable: no
zone:
    name: vigiebench
    zonefile: vigiebench.zone
EOF
    taskset -c $SERVER_CPU nsd -d -c "$d/nsd.conf" >"$d/stdout" 2>&1 &
    STARTED+=($!)
    python3 "$BENCH/probe.py" 127.0.0.1 $UPSTREAM h00001.vigiebench noerror "$(date +%s%N)" 20 >/dev/null ||
        { log "NSD did not start:"; cat "$d/nsd.log" "$d/stdout" >&2; exit 1; }
    log "NSD serves vigiebench. ($(grep -c ' A ' "$d/vigiebench.zone") names) on 127.0.0.1:$UPSTREAM"
}

# Writes the server's configuration for LIST (100, 1m or shipped) into $WORK/$server and
# starts it on core 0; sets SERVER_PID.
start_server() { # server list
    local s=$1 list=$2 d=$WORK/$1
    rm -rf "$d" && mkdir -p "$d"
    case $s in
    vigie | vigie-old)
        mkdir -p "$d/config/lists" "$d/data" "$d/run"
        if [[ $list == shipped ]]; then
            printf '[blocking]\nmode = "nxdomain"\n' >"$d/config/settings.toml"
        else
            printf '[blocking]\nmode = "nxdomain"\n\n[lists]\nstranger-chat = false\ndns-bypass = false\n' \
                >"$d/config/settings.toml"
            cp "$WORK/gen/domains-$list.txt" "$d/config/lists/bench.txt"
        fi
        local bin="$CARGO_TARGET_DIR/release/vigie"
        [[ $s == vigie-old ]] && bin=$VIGIE_OLD_BIN
        taskset -c $SERVER_CPU "$bin" run \
            --config-dir "$d/config" --data-dir "$d/data" --runtime-dir "$d/run" \
            --listen 127.0.0.1:$PORT --upstream 127.0.0.1:$UPSTREAM \
            --block-page 127.0.0.1:8053 >"$d/log" 2>&1 &
        ;;
    dnsmasq)
        cat >"$d/dnsmasq.conf" <<EOF
port=$PORT
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-negcache
server=127.0.0.1#$UPSTREAM
cache-size=10000
user=root
pid-file=
conf-file=$WORK/gen/dnsmasq-$list.conf
EOF
        taskset -c $SERVER_CPU dnsmasq -k -C "$d/dnsmasq.conf" --log-facility="$d/log" &
        ;;
    unbound)
        cat >"$d/unbound.conf" <<EOF
server:
    interface: 127.0.0.1
    port: $PORT
    do-ip6: no
    num-threads: 1
    so-reuseport: no
    username: ""
    chroot: ""
    directory: "$d"
    pidfile: ""
    use-syslog: no
    logfile: "$d/log"
    verbosity: 0
    module-config: "iterator"
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    msg-cache-size: 64m
    rrset-cache-size: 128m
    local-zone: "vigiebench." transparent
include: "$WORK/gen/unbound-$list.conf"
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@$UPSTREAM
remote-control:
    control-enable: yes
    control-interface: "$d/control.sock"
    control-use-cert: no
EOF
        taskset -c $SERVER_CPU unbound -d -c "$d/unbound.conf" >"$d/stdout" 2>&1 &
        ;;
    dnsdist)
        cat >"$d/dnsdist.conf" <<EOF
setLocal("127.0.0.1:$PORT")
setACL({"127.0.0.0/8"})
setSecurityPollSuffix("")
newServer({address="127.0.0.1:$UPSTREAM", checkName="vigiebench.", checkInterval=60})
pc = newPacketCache(100000, {maxTTL=86400, minTTL=0})
getPool(""):setCache(pc)
blocked = newSuffixMatchNode()
for line in io.lines("$WORK/gen/domains-$list.txt") do blocked:add(line) end
addAction(SuffixMatchNodeRule(blocked, true), RCodeAction(DNSRCode.NXDOMAIN))
EOF
        taskset -c $SERVER_CPU dnsdist --supervised --disable-syslog -C "$d/dnsdist.conf" \
            >"$d/log" 2>&1 &
        ;;
    kresd)
        mkdir -p "$d/cache"
        cp "$WORK/gen/rpz-$list.zone" "$d/blocked.rpz"
        cat >"$d/kresd.conf" <<EOF
net.listen("127.0.0.1", $PORT, { kind = "dns" })
cache.open(256 * MB, "lmdb://$d/cache")
trust_anchors.remove(".")
policy.add(policy.rpz(policy.DENY, "$d/blocked.rpz", true))
policy.add(policy.all(policy.STUB({"127.0.0.1@$UPSTREAM"})))
EOF
        taskset -c $SERVER_CPU kresd -n -q -c "$d/kresd.conf" "$d" >"$d/log" 2>&1 </dev/null &
        ;;
    *)
        log "unknown server $s (known: vigie dnsmasq unbound dnsdist kresd)"
        return 1
        ;;
    esac
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}

# Seconds from SINCE until the probe name (from the list's last stretch) is answered NXDOMAIN.
await_blocking() { # server list since_ns
    local probe
    probe=$(cat "$WORK/gen/probe.txt")
    [[ $2 == 100 ]] && probe="www.$(tail -n1 "$WORK/gen/domains-100.txt")"
    [[ $2 == shipped ]] && probe="www.omegle.com"
    local took
    if took=$(python3 "$BENCH/probe.py" 127.0.0.1 $PORT "$probe" nxdomain "$3" 120); then
        log "  $1 $2: $probe blocked $took s after start"
        echo "$took"
    else
        log "$1 never blocked $probe; its log:"
        tail -n 20 "$WORK/$1"/log* "$WORK/$1"/stdout 2>/dev/null >&2 || true
        return 1
    fi
}

warm() { # fill the cache with the test-zone names every workload uses
    taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$WORK/gen/q-cached.txt" -n 2 -q 20 \
        >/dev/null 2>&1 || true
}

field() { # dnsperf output, label → first number after it
    awk -v k="$2" 'index($0, k) {sub(".*" k "[ \t]*", ""); print $1; exit}' "$1"
}

# One dnsperf run against the server: qps, completed, lost, server CPU-seconds.
perf() { # server list workload queryfile rep [extra dnsperf args...]
    local s=$1 list=$2 w=$3 file=$4 rep=$5
    shift 5
    local out=$WORK/logs/$s-$list-$w-$rep.txt t0 t1 cpu
    t0=$(cpu_ticks "$SERVER_PID")
    taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$WORK/gen/$file" -l "$DURATION" \
        -c 8 -q 200 "$@" >"$out" 2>&1 || true
    t1=$(cpu_ticks "$SERVER_PID")
    cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", (b - a) / hz}')
    local qps done lost
    qps=$(field "$out" "Queries per second:")
    done=$(field "$out" "Queries completed:")
    lost=$(field "$out" "Queries lost:")
    record "$s" "$list" "$w-qps" "${qps:-0}"
    record "$s" "$list" "$w-completed" "${done:-0}"
    record "$s" "$list" "$w-lost" "${lost:-0}"
    record "$s" "$list" "$w-cpu" "$cpu"
    record "$s" "$list" "$w-rcodes" "$(grep -m1 'Response codes:' "$out" | sed 's/.*codes: *//')"
    log "  $s $list $w #$rep: ${qps%.*} qps, ${done:-0} answered, ${lost:-0} lost, ${cpu} CPU-s"
}

latency() { # server list: percentiles of the mixed workload at a fixed rate
    local s=$1 list=$2 out=$WORK/logs/$1-$2-latency.txt
    taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$WORK/gen/q-mixed.txt" -l "$DURATION" \
        -c 8 -q 200 -Q $LATENCY_QPS -v >"$out" 2>&1 || true
    # -v prints one line per answered query ending in its latency in seconds.
    local p
    p=$(awk '/^> / {print $NF}' "$out" | sort -g | awk '{v[NR] = $1}
        END {if (NR == 0) {print "0 0 0 0"; exit}
             printf "%.3f %.3f %.3f %.3f", v[int(NR*0.5)+1]*1000, v[int(NR*0.9)+1]*1000,
                    v[int(NR*0.99)+1]*1000, v[int(NR*0.999)+1]*1000}')
    read -r p50 p90 p99 p999 <<<"$p"
    record "$s" "$list" lat-p50-ms "$p50"
    record "$s" "$list" lat-p90-ms "$p90"
    record "$s" "$list" lat-p99-ms "$p99"
    record "$s" "$list" lat-p999-ms "$p999"
    record "$s" "$list" lat-lost "$(field "$out" "Queries lost:")"
    log "  $s $list latency at $LATENCY_QPS qps: p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms"
}

idle() { # server list: CPU over 10 s with no queries, and resident memory
    local s=$1 list=$2 t0 t1
    sleep 2
    t0=$(cpu_ticks "$SERVER_PID")
    sleep 10
    t1=$(cpu_ticks "$SERVER_PID")
    record "$s" "$list" idle-cpu-ticks-10s "$((t1 - t0))"
    record "$s" "$list" idle-rss-kb "$(status_kb "$SERVER_PID" VmRSS)"
    log "  $s $list idle: $((t1 - t0)) CPU ticks in 10 s, RSS $(status_kb "$SERVER_PID" VmRSS) kB"
}

# Reloads the 1M list while dnsperf sends the mixed workload at 50k qps; counts lost queries.
reload_under_load() { # server
    local s=$1 d=$WORK/$1 out=$WORK/logs/$1-1m-reload.txt extra t
    extra="reloaded-$(date +%s).vigiebench-blocked.com"
    taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$WORK/gen/q-mixed.txt" -l "$DURATION" \
        -c 8 -q 200 -Q $RELOAD_QPS >"$out" 2>&1 &
    local perf_pid=$!
    sleep "$((DURATION / 3))"
    t=$(date +%s%N)
    case $s in
    vigie | vigie-old) # a list file rewritten the way an editor or an updater would: temp file + rename
        { cat "$WORK/gen/domains-1m.txt"; echo "$extra"; } >"$d/config/lists/.bench.txt.tmp"
        mv "$d/config/lists/.bench.txt.tmp" "$d/config/lists/bench.txt"
        ;;
    unbound)
        { cat "$WORK/gen/unbound-1m.conf"; echo "local-zone: \"$extra.\" always_nxdomain"; } \
            >"$d/extra.conf"
        sed -i "s|include: \".*unbound-1m.conf\"|include: \"$d/extra.conf\"|" "$d/unbound.conf"
        unbound-control -c "$d/unbound.conf" reload >/dev/null
        ;;
    kresd) # policy.rpz watches its file
        { cat "$WORK/gen/rpz-1m.zone"; printf '%s CNAME .\n*.%s CNAME .\n' "$extra" "$extra"; } \
            >"$d/blocked.rpz.tmp"
        mv "$d/blocked.rpz.tmp" "$d/blocked.rpz"
        ;;
    esac
    local took
    took=$(python3 "$BENCH/probe.py" 127.0.0.1 $PORT "www.$extra" nxdomain "$t" 60 || echo never)
    wait "$perf_pid" || true
    record "$s" 1m reload-seconds "$took"
    record "$s" 1m reload-sent "$(field "$out" "Queries sent:")"
    record "$s" 1m reload-lost "$(field "$out" "Queries lost:")"
    log "  $s reload of the 1M list under $RELOAD_QPS qps: in force after ${took} s," \
        "$(field "$out" "Queries lost:") of $(field "$out" "Queries sent:") queries lost"
}

inside() {
    trap cleanup EXIT
    rm -f "$WORK/results.tsv"
    mkdir -p "$WORK/logs"
    local began=$SECONDS
    record machine - uptime-start "$(uptime | sed 's/.*load average: //')"
    record machine - dnsperf-duration-s "$DURATION"
    record machine - repeat "$REPEAT"
    start_upstream
    local s t r took
    for s in $SERVERS; do
        log "$s with the 100-domain list"
        t=$(date +%s%N)
        start_server "$s" 100 || continue
        if ! took=$(await_blocking "$s" 100 "$t"); then
            stop_server
            continue # no figures rather than figures of a server that is not running
        fi
        record "$s" 100 enforced-s "$took"
        warm
        for r in $(seq "$REPEAT"); do
            perf "$s" 100 blocked q-blocked-100.txt "$r"
            perf "$s" 100 cached q-cached.txt "$r"
            perf "$s" 100 mixed q-mixed.txt "$r"
        done
        latency "$s" 100
        idle "$s" 100
        stop_server

        log "$s with the 1,000,000-domain list"
        t=$(date +%s%N)
        start_server "$s" 1m || continue
        if ! took=$(await_blocking "$s" 1m "$t"); then
            stop_server
            continue
        fi
        record "$s" 1m enforced-s "$took"
        record "$s" 1m vmhwm-at-enforced-kb "$(status_kb "$SERVER_PID" VmHWM)"
        warm
        for r in $(seq "$REPEAT"); do
            perf "$s" 1m blocked q-blocked-1m.txt "$r"
        done
        record "$s" 1m vmhwm-kb "$(status_kb "$SERVER_PID" VmHWM)"
        case $s in vigie | vigie-old | unbound | kresd) reload_under_load "$s" ;; esac
        stop_server
    done
    if [[ " $SERVERS " == *" vigie "* ]]; then
        log "vigie with its shipped lists, idle"
        t=$(date +%s%N)
        start_server vigie shipped
        if took=$(await_blocking vigie shipped "$t"); then
            record vigie shipped enforced-s "$took"
            idle vigie shipped
        fi
        stop_server
    fi
    record machine - uptime-end "$(uptime | sed 's/.*load average: //')"
    record machine - wall-seconds "$((SECONDS - began))"
}

if [[ ${1:-} == --in-namespace ]]; then
    inside
else
    outside
fi
