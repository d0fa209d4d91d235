#!/usr/bin/env bash
# What a session's notifier costs while nothing happens: resident memory after 30 s idle, then
# CPU time, wake-ups and context switches over the next 60 s, with the `vigie` service running.
#
#   bash bench/notifier-idle.sh VIGIE_BIN NOTIFIER [ARGS...]
#   e.g. bash bench/notifier-idle.sh target/release/vigie target/release/vigie-notifier
#        bash bench/notifier-idle.sh target/release/vigie target/release/vigie-app --tray
#
# The session is a private one, as the notifier tests make: Xvfb on a free display, a D-Bus
# session bus (dbus-run-session) with dunst as the notification server and
# status-notifier-watcher as the tray's watcher (so the tray registers, as on a desktop whose
# panel shows StatusNotifierItems). The notifier gets `--runtime-dir` of the service. Nothing
# leaves 127.0.0.1; every process started here is stopped by its id at the end.
#
# Figures (the counters summed over the notifier's threads, /proc/PID/task/*):
#   VmRSS, VmHWM, RssAnon/RssFile  from /proc/PID/status (the main thread's, for the process)
#   Pss, private                   from /proc/PID/smaps_rollup: the shared libraries' pages
#                                  counted in part, and the pages no other process shares
#   cpu                            utime+stime from /proc/PID/stat, in clock ticks (1/100 s)
#   wake-ups                       schedstat's third field: times a thread was put on a CPU
#   ctxt switches                  voluntary_ctxt_switches + nonvoluntary_ctxt_switches
set -euo pipefail
vigie=$(realpath "$1")
shift
notifier=$(realpath "$1")
shift
IDLE=${IDLE:-30}
WINDOW=${WINDOW:-60}

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -s "$work/pids" ] && xargs -r kill <"$work/pids" 2>/dev/null || true
    sleep 0.5
    rm -rf "$work"
}
trap cleanup EXIT

for n in $(seq 90 199); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || break
done
Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=":$n"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mkdir -p "$work/config/lists" "$work/data" "$work/run"
: >"$work/vigie.log"
"$vigie" run --config-dir "$work/config" --data-dir "$work/data" --runtime-dir "$work/run" \
    --listen "127.0.0.1:$(port)" --upstream "127.0.0.1:$(port)" --block-page "127.0.0.1:$(port)" \
    >"$work/vigie.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q "Vigie is filtering DNS" "$work/vigie.log" && break; sleep 0.1; done

# Quoted for the inner shell.
cmd=$(printf '%q ' "$notifier" "$@" --runtime-dir "$work/run")
LANG=C.UTF-8 dbus-run-session -- bash -c "
    dunst >/dev/null 2>&1 & echo \$! >>'$work/pids'
    status-notifier-watcher >/dev/null 2>&1 & echo \$! >>'$work/pids'
    sleep 0.5
    echo \$\$ >'$work/notifier.pid'
    exec $cmd" >"$work/notifier.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/notifier.pid" ] && break; sleep 0.1; done
pid=$(cat "$work/notifier.pid")
echo "$pid" >>"$work/pids"

sample() { # prints: cpu_ticks wakeups ctxt threads
    local cpu wake=0 ctxt=0 threads=0
    cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    for t in /proc/"$pid"/task/*; do
        threads=$((threads + 1))
        wake=$((wake + $(awk '{print $3}' "$t/schedstat")))
        ctxt=$((ctxt + $(awk '/ctxt_switches/ {s += $2} END {print s}' "$t/status")))
    done
    echo "$cpu $wake $ctxt $threads"
}

sleep "$IDLE"
kill -0 "$pid" || { echo "the notifier exited:"; cat "$work/notifier.log"; exit 1; }
status=$(cat "/proc/$pid/status" "/proc/$pid/smaps_rollup")
field() { awk -v f="$1:" '$1 == f {print $2}' <<<"$status"; }
read -r cpu0 wake0 ctxt0 threads <<<"$(sample)"
sleep "$WINDOW"
read -r cpu1 wake1 ctxt1 _ <<<"$(sample)"
echo "command:       $notifier $*"
echo "after ${IDLE} s idle: VmRSS $(field VmRSS) kB, VmHWM $(field VmHWM) kB, RssAnon $(field RssAnon) kB, RssFile $(field RssFile) kB, Pss $(field Pss) kB, private $(($(field Private_Clean) + $(field Private_Dirty))) kB, threads $threads"
echo "over ${WINDOW} s idle: cpu $((cpu1 - cpu0)) ticks, wake-ups $((wake1 - wake0)), context switches $((ctxt1 - ctxt0))"
grep -c "listening for notices" "$work/notifier.log" >/dev/null || { echo "warning: the notifier never subscribed:"; cat "$work/notifier.log"; }
