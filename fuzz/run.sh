#!/usr/bin/env bash
# Runs every fuzz target for a stated time each (not in CI): `bash fuzz/run.sh [SECONDS]`
# (default 120 s per target). Needs a nightly toolchain and cargo-fuzz
# (`rustup toolchain install nightly`, `cargo install cargo-fuzz`). Corpora grow in
# fuzz/corpus/TARGET, seeded from the repository's own files; a crash is kept in
# fuzz/artifacts/TARGET and ends the script with the command that replays it. Each target's
# last libFuzzer line (runs, seconds, coverage) is printed in the summary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-120}
cd "$here"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/target}
targets=(dns_wire list_file import settings api_json)

seed() {
    local dir=corpus/$1
    mkdir -p "$dir"
    case $1 in
        list_file) cp ../blocklists/*.toml "$dir/" ;;
        settings) printf '[blocking]\nmode = "nxdomain"\n[[upstream]]\naddress = "192.0.2.1:53"\n' > "$dir/seed.toml" ;;
        import) printf '\x000.0.0.0 omegle.com chatroulette.com\n# comment\n::1 ome.tv\n' > "$dir/hosts"
                printf '\x02||omegle.com^\n||bazoocam.org^$important\n' > "$dir/adblock" ;;
        api_json) printf '\x03{"input":"https://www.Omegle.com/chat","name":"Omegle"}' > "$dir/add"
                  printf '\x05{"minutes":30}' > "$dir/pause" ;;
        dns_wire) ;;
    esac
}

cargo +nightly fuzz build
summary=()
for t in "${targets[@]}"; do
    seed "$t"
    log=$(mktemp)
    echo "== $t for ${seconds}s"
    if ! cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -print_final_stats=1 2>"$log"; then
        tail -40 "$log"
        echo "$t found a crash: replay with cargo +nightly fuzz run $t fuzz/artifacts/$t/<file>"
        exit 1
    fi
    runs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    cov=$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
    summary+=("$t: ${runs:-?} runs in ${seconds}s, ${cov:-cov: ?}, corpus $(ls "corpus/$t" | wc -l) inputs, no crash")
    rm -f "$log"
done
echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
