#!/usr/bin/env bash
# The README's test command: installs what the service-dependent tests need
# (when missing), starts those services on free loopback ports, runs
# `cargo test --workspace` with them switched on, and stops them at the end.
#
#   scripts/test.sh            # everything
#   scripts/test.sh -- ARGS    # extra arguments for `cargo test` (e.g. a filter)
#
# Service tests are off in a plain `cargo test --workspace` (they print why);
# here SNAP_REQUIRE_SERVICES=1 makes a missing service a failure, never a skip.
# Installs go to Debian packages (apt-get) and to local folders under
# .cache/ (npm, pip), never into the user's global environments.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
cache="$root/.cache/test-services"
mkdir -p "$cache"
extra=()
if [ "${1:-}" = "--" ]; then shift; extra=("$@"); fi

log() { printf '[test.sh] %s\n' "$*" >&2; }
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() { # packages...
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"; sudo_if_needed apt-get update -qq >/dev/null || true; apt_updated=1
  fi
  log "installing Debian packages: $*"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

# --- python3 + rustfmt (snap-endpoints: the generated files are what ---------
# scripts/gen-catalogue/gen.py --check writes; standard library only)
command -v python3 >/dev/null || apt_install python3
command -v rustfmt >/dev/null || { log "rustfmt not found (rustup component add rustfmt)"; exit 1; }

# --- Redis (snap-server / snap-sandbox Redis stores) -------------------------
command -v redis-server >/dev/null || apt_install redis-server
redis_port="$(free_port)"
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
  --dir "$cache" --logfile "$cache/redis.log" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then break; fi; sleep 0.1
done
redis-cli -p "$redis_port" ping | grep -q PONG || { log "redis-server did not start"; exit 1; }
export SNAP_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/"
log "redis-server on 127.0.0.1:$redis_port"

# --- OpenAPI validator (snap-cli: `snap openapi` checked by a real validator) --
# A Python virtual environment under .cache/ with openapi-spec-validator (and
# its jsonschema), created when missing; the tests run its python.
openapi_venv="$cache/openapi-venv"
if ! "$openapi_venv/bin/python" -c 'import openapi_spec_validator, jsonschema' 2>/dev/null; then
  command -v python3 >/dev/null || apt_install python3
  python3 -m venv "$openapi_venv" 2>/dev/null || { apt_install python3-venv; rm -rf "$openapi_venv"; python3 -m venv "$openapi_venv"; }
  log "pip install openapi-spec-validator into $openapi_venv"
  "$openapi_venv/bin/python" -m pip install -q --disable-pip-version-check 'openapi-spec-validator>=0.7,<1' >/dev/null
fi
export SNAP_TEST_OPENAPI_VALIDATOR="$openapi_venv/bin/python"
log "OpenAPI validator: $SNAP_TEST_OPENAPI_VALIDATOR"

# --- Headless Chromium (snap-sandbox: the dashboard rendered by a browser) ---
# Debian's `chromium`, installed when missing; the tests run it with
# --headless --dump-dom, or drive it over the DevTools protocol on
# --remote-debugging-pipe (real mouse events; no WebDriver, no Node).
chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium_bin" ]; then apt_install chromium; chromium_bin="$(command -v chromium)"; fi
export SNAP_TEST_CHROMIUM="$chromium_bin"
log "Chromium: $SNAP_TEST_CHROMIUM"
# --- Node + the official Midtrans SDK (snap-sandbox: --profile gopay) --------
# Debian's nodejs/npm when missing; the SDK, pinned, under .cache/node.
midtrans_version=1.4.3
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
node_prefix="$root/.cache/node"
if [ "$(node -p "require('$node_prefix/node_modules/midtrans-client/package.json').version" 2>/dev/null)" != "$midtrans_version" ]; then
  log "npm install midtrans-client@$midtrans_version into $node_prefix"
  mkdir -p "$node_prefix"
  npm install --silent --no-audit --no-fund --prefix "$node_prefix" "midtrans-client@$midtrans_version" >/dev/null
fi
export SNAP_TEST_MIDTRANS_NODE_MODULES="$node_prefix/node_modules"
log "Midtrans SDK: $SNAP_TEST_MIDTRANS_NODE_MODULES/midtrans-client ($midtrans_version)"

export SNAP_REQUIRE_SERVICES=1
log "cargo test --workspace ${extra[*]:-}"
cargo test --workspace "${extra[@]}"
