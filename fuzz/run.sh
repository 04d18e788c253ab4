#!/usr/bin/env bash
# Runs fuzz targets for SECONDS each (default 90) and prints libFuzzer's
# final figures. Usage: fuzz/run.sh [SECONDS] [TARGET...]
# New inputs go to fuzz/corpus-full/<target> (git-ignored); the committed,
# minimized corpus in fuzz/corpus/<target> is the seed and is what CI replays.
# Minimize into the committed corpus with:
#   RUSTC_BOOTSTRAP=1 cargo fuzz cmin TARGET fuzz/corpus-full/TARGET   (then copy)
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-90}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
fi
for t in "${targets[@]}"; do
  mkdir -p "corpus-full/$t"
  log="corpus-full/$t.log"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus-full/$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || {
    echo "$t: FAILED (see fuzz/$log)"; tail -40 "$log"; exit 1; }
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
  cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW)' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' || true)
  echo "$t: $done_line; $cov"
done
