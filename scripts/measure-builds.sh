#!/usr/bin/env bash
# Cold build times a user sees (issue 12): a small merchant crate that depends
# on snap-core alone (default features, and --no-default-features), and the
# trybuild UI tests (tests/ui) from an empty target directory.
# Usage: scripts/measure-builds.sh [REPO_DIR]   (default: this checkout)
# Prints one line per measurement with wall time, load average and machine.
set -euo pipefail
repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m)"

measure() { # name, dir, command...
  local name="$1" dir="$2"; shift 2
  local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
  local t0 t1; t0=$(date +%s.%N)
  (cd "$dir" && "$@" >"$work/$name.log" 2>&1) || { echo "$name: FAILED (see log)"; tail -20 "$work/$name.log"; return 1; }
  t1=$(date +%s.%N)
  printf '%-34s %6.1f s   (load before: %s; %s)\n' "$name" "$(echo "$t1 - $t0" | bc)" "$load" "$machine"
}

for variant in default no-default; do
  m="$work/merchant-$variant"; mkdir -p "$m/src"
  feat=''; [ "$variant" = no-default ] && feat=', default-features = false'
  cat >"$m/Cargo.toml" <<TOML
[package]
name = "merchant"
version = "0.1.0"
edition = "2024"
[dependencies]
snap-core = { path = "$repo/snap-core"$feat }
[workspace]
TOML
  echo 'fn main() { let key = snap_core::sign::HmacKey::new(b"secret").unwrap(); drop(key); }' >"$m/src/main.rs"
  cp "$repo/Cargo.lock" "$m/Cargo.lock"
  measure "merchant on snap-core ($variant)" "$m" env CARGO_TARGET_DIR="$m/target" cargo build --offline -q
  if grep -q aws-lc "$m/Cargo.lock" && cargo tree --manifest-path "$m/Cargo.toml" --offline -e normal 2>/dev/null | grep -q aws-lc; then
    echo "  (aws-lc in the build)"; else echo "  (no aws-lc in the build)"; fi
done
measure "UI tests (cold target)" "$repo" env CARGO_TARGET_DIR="$work/ui-target" cargo test --offline -q -p snap-tests --test ui
if ls "$work/ui-target/tests/trybuild" >/dev/null 2>&1; then
  if find "$work/ui-target/tests/trybuild" -maxdepth 4 -name 'aws-lc-sys-*' | grep -q .; then
    echo "  (trybuild project compiled aws-lc-sys)"; else echo "  (trybuild project compiled no aws-lc-sys)"; fi
fi
