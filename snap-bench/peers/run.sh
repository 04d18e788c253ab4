#!/usr/bin/env bash
# Peer comparison: the official SDKs' own SNAP symmetric signing functions,
# timed in-process on the same Auth Payment body, alternating with snap-rs.
# A benchmark, not a test (CI does not run it). See README.md here.
#
# usage: bash snap-bench/peers/run.sh [ROUNDS] [ITERATIONS]
#   env MIDTRANS_PHP_DIR=/path/to/midtrans-php   a checkout at the pinned commit
#                                                (else it is cloned from GitHub)
set -euo pipefail

ROUNDS=${1:-7}
ITERATIONS=${2:-20000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE="$HERE/.cache"
mkdir -p "$CACHE"

# Pinned versions.
MIDTRANS_CLIENT_VERSION=1.4.3          # npm
DOKU_VERSION=1.1.72                    # PyPI
# imported by doku-python-library but not declared in its metadata (PyPI):
XMLTODICT_VERSION=1.0.4
PYCRYPTODOME_VERSION=4.4.0
FLASK_VERSION=3.1.3
MIDTRANS_PHP_COMMIT=8ed7fc58ff1ababe675da17acf8233f4028eb3be   # github.com/Midtrans/midtrans-php
export MIDTRANS_CLIENT_VERSION DOKU_VERSION MIDTRANS_PHP_COMMIT PEERS_CACHE="$CACHE"

say() { echo "peers: $*" >&2; }

# --- install what is missing ------------------------------------------------
if [ ! -d "$CACHE/node/node_modules/midtrans-client" ]; then
  say "npm install midtrans-client@$MIDTRANS_CLIENT_VERSION"
  npm install --silent --no-audit --no-fund --prefix "$CACHE/node" "midtrans-client@$MIDTRANS_CLIENT_VERSION" >&2
fi
if [ ! -f "$CACHE/venv/.doku-$DOKU_VERSION" ]; then
  say "python venv + doku-python-library==$DOKU_VERSION"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install --quiet "doku-python-library==$DOKU_VERSION" \
    "xmltodict==$XMLTODICT_VERSION" "pycryptodome==$PYCRYPTODOME_VERSION" "flask==$FLASK_VERSION" >&2
  touch "$CACHE/venv/.doku-$DOKU_VERSION"
fi
if ! command -v php >/dev/null; then
  say "apt-get install php-cli"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq php-cli) >&2
fi
if [ -z "${MIDTRANS_PHP_DIR:-}" ]; then
  MIDTRANS_PHP_DIR="$CACHE/midtrans-php"
  if [ ! -f "$MIDTRANS_PHP_DIR/SnapBi/SnapBi.php" ]; then
    say "git clone midtrans-php at $MIDTRANS_PHP_COMMIT"
    git clone --quiet https://github.com/Midtrans/midtrans-php "$MIDTRANS_PHP_DIR" >&2
    git -C "$MIDTRANS_PHP_DIR" checkout --quiet "$MIDTRANS_PHP_COMMIT"
  fi
fi
export MIDTRANS_PHP_DIR

say "cargo build --release -p snap-bench --bin snap-peerbench"
(cd "$ROOT" && cargo build --release --quiet -p snap-bench --bin snap-peerbench)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
SNAP="$TARGET_DIR/release/snap-peerbench"

# The same inputs everywhere: the BI Auth Payment sample, the benchmark
# fixtures' token, path, secret and timestamp (snap-bench/src/fixtures.rs).
BODY="$ROOT/snap-endpoints/tests/fixtures/bi/auth_payment.request.json"
export SNAP_TOKEN="gp9HjjEj813Y9JGoqwOeOPWbnt4CUpvIJbU1mMU4a11MNDZ7Sg5u9a"
export SNAP_PATH="/v1.0/auth/payment"
export SNAP_SECRET="bench-client-secret-0123456789abcdef"
export SNAP_TS="2024-03-05T10:37:16+07:00"

OUT="$CACHE/results.txt"
: > "$OUT"
say "$ROUNDS rounds x $ITERATIONS iterations; load: $(uptime | sed 's/.*load average: //')"
for r in $(seq 1 "$ROUNDS"); do
  # Alternate the order each round so that drifting load hits every side alike.
  if [ $((r % 2)) -eq 1 ]; then order="snap node python php"; else order="php python node snap"; fi
  for who in $order; do
    case $who in
      snap)   "$SNAP" "$ITERATIONS" ;;
      node)   node "$HERE/bench.js" "$BODY" "$ITERATIONS" ;;
      python) "$CACHE/venv/bin/python" "$HERE/bench.py" "$BODY" "$ITERATIONS" ;;
      php)    php "$HERE/bench.php" "$BODY" "$ITERATIONS" ;;
    esac
  done >> "$OUT"
done
say "load after: $(uptime | sed 's/.*load average: //')"

# --- report: median ns/op per implementation, and whether it signed the same
python3 - "$OUT" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, ns, sig = line.split()
    rows.setdefault(name, []).append((float(ns), sig))
ref = rows["snap-rs/sign"][0][1]
base = statistics.median(ns for ns, _ in rows["snap-rs/prepare"])
print("| implementation | median ns/op | min .. max | vs snap-rs prepare | same X-SIGNATURE as snap-rs |")
print("|---|---:|---|---:|---|")
for name, vals in sorted(rows.items(), key=lambda kv: statistics.median(v for v, _ in kv[1])):
    ns = [v for v, _ in vals]
    m = statistics.median(ns)
    same = "yes" if all(s == ref for _, s in vals) else "NO"
    print(f"| {name} | {m:.0f} | {min(ns):.0f} .. {max(ns):.0f} | {m / base:.2f}x | {same} |")
PY
