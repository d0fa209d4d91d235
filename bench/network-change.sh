#!/usr/bin/env bash
# Time from a network change to the first answer through the new network's DNS server.
#
# Runs the end-to-end test `network::a_laptop_that_moves_…` (network namespaces, the real
# `vigie` binary in release mode, two local DNS servers; nothing leaves the machine) RUNS times
# and prints each measurement and the median. The time runs from the moment the laptop's link
# to network A goes down and the network manager's file is rewritten to name network B's
# server, to the first allowed lookup that network B's server answered; it includes the test's
# 20 ms polling. Needs root.
#
#   sudo bash bench/network-change.sh [RUNS]
set -euo pipefail
runs=${1:-11}
cd "$(dirname "$0")/.."
cargo test --release -q -p vigie --test it --no-run >/dev/null 2>&1
times=()
for i in $(seq "$runs"); do
  line=$(cargo test --release -q -p vigie --test it -- --exact \
      network::a_laptop_that_moves_resolves_through_the_new_network_and_blocks_throughout \
      --nocapture 2>&1 | grep -o 'new network.s server: Some([0-9.]*[mµn]*s)' || true)
  value=$(sed -E 's/.*Some\(([0-9.]+)(ms|µs|s)\).*/\1 \2/' <<<"$line")
  ms=$(awk '{ if ($2=="s") print $1*1000; else if ($2=="µs") print $1/1000; else print $1 }' <<<"$value")
  echo "run $i: ${ms} ms"
  times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR]=$1 } END { printf "median of %d: %.1f ms (min %.1f, max %.1f)\n", NR, a[int((NR+1)/2)], a[1], a[NR] }'
