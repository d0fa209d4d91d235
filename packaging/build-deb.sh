#!/usr/bin/env bash
# Builds the Debian package from a clean checkout: the front end, every binary in release mode,
# then `cargo deb` around them. Prints the package's path on its last line.
#
#   bash packaging/build-deb.sh
#
# Needs what `.ci/run` installs (Node.js and npm, the WebKitGTK -dev packages, cargo-deb).
# One package, not a service package and a desktop one: the family computer has a desktop, and a
# parent installing one file cannot end up with a service and no console or notice.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-deb >/dev/null 2>&1 || cargo install cargo-deb --locked
(cd ui && { [ -d node_modules ] || npm install --no-audit --no-fund; } && npm run build)
cargo build --release --locked -p vigie -p vigie-app -p vigie-notifier
cargo deb -p vigie --no-build 2>&1 | tail -n 1
