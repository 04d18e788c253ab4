#!/usr/bin/env bash
# Build and test times of snap-endpoints (issue 13), in the caller's
# CARGO_TARGET_DIR (dependencies warm):
#  1. snap-endpoints cold: `cargo clean -p snap-endpoints`, then build it (debug);
#     also without the default features, when the crate has them;
#  2. after a one-line change (the first doc comment line of bi/auth.rs, then back);
#  3. `cargo test --workspace` after that one-line change (rebuilds the crate and
#     its dependents, runs every test), and again with nothing changed.
# Usage: scripts/measure-endpoints.sh [REPO_DIR]. Prints wall time and load.
set -euo pipefail
repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
cd "$repo"
file=snap-endpoints/src/bi/auth.rs
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
log="$(mktemp)"
saved="$(mktemp)"
cp "$file" "$saved"
trap 'cp "$saved" "$file"; rm -f "$log" "$saved"' EXIT
measure() { # name, command...
  local name="$1"; shift
  local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
  local t0 t1; t0=$(date +%s.%N)
  "$@" >"$log" 2>&1 || { echo "$name: FAILED"; tail -20 "$log"; return 1; }
  t1=$(date +%s.%N)
  printf '%-52s %7.1f s   (load before: %s; %s)\n' "$name" "$(echo "$t1 - $t0" | bc)" "$load" "$machine"
}
one_line_change() { sed -i "0,/^\/\/\/ /s//\/\/\/ (changed) /" "$file"; }
cargo build -q -p snap-endpoints >/dev/null 2>&1   # dependencies warm
measure "snap-endpoints build, cold (crate only)" sh -c 'cargo clean -q -p snap-endpoints && cargo build -q -p snap-endpoints'
if grep -q '^transfer-credit' snap-endpoints/Cargo.toml; then
  measure "  the same, --no-default-features" sh -c 'cargo clean -q -p snap-endpoints && cargo build -q -p snap-endpoints --no-default-features'
  measure "  the same, --features transfer-credit only" sh -c 'cargo clean -q -p snap-endpoints && cargo build -q -p snap-endpoints --no-default-features --features transfer-credit'
  cargo build -q -p snap-endpoints >/dev/null 2>&1
fi
one_line_change
measure "snap-endpoints build, one-line change" cargo build -q -p snap-endpoints
cp "$saved" "$file"
cargo test -q --workspace --no-run >/dev/null 2>&1  # everything warm
one_line_change
measure "cargo test --workspace, one-line change" cargo test -q --workspace
measure "cargo test --workspace, nothing changed" cargo test -q --workspace
