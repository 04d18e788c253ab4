#!/usr/bin/env bash
# Instructions per operation of every micro benchmark, counted by callgrind:
# (Ir(N) - Ir(0)) / N, a figure that does not move with the load of a shared
# machine. Usage: bash snap-bench/opcount.sh [N] [OP-SUBSTRING]
# Caveat: under valgrind, sha2 cannot use the SHA-NI instructions, so SHA-256
# runs its portable code and costs more instructions than natively; framework
# overheads (everything that is not hashing) are counted exactly.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5000}"
filter="${2:-}"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
cargo build -q --release -p snap-bench --bin snap-opcount
bin="${CARGO_TARGET_DIR:-target}/release/snap-opcount"
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 | awk '/Collected/ {print $4}'; }
echo "| operation | instructions/op (callgrind, N=$n) |"
echo "|---|---:|"
for op in $("$bin" --list); do
  case "$op" in *"$filter"*) ;; *) continue ;; esac
  m="$n"
  case "$op" in rsa/*) m=$(( n / 20 > 0 ? n / 20 : 1 )) ;; esac
  base=$(ir "$op" 0)
  total=$(ir "$op" "$m")
  echo "| \`$op\` | $(( (total - base) / m )) |"
done
