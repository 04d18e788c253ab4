"""doku-python-library (PyPI): times TokenService.generate_symmetric_signature,
the SDK's own SNAP symmetric signature (json.dumps compact + SHA-256 hex +
HMAC-SHA512 + base64), on the parsed Auth Payment sample body.

usage: python bench.py BODY_FILE ITERATIONS   (prints: IMPL NS_PER_OP SIGNATURE)
"""
import json
import os
import sys
import time

from doku_python_library.src.services.token_service import TokenService

body_file, iterations = sys.argv[1], int(sys.argv[2] if len(sys.argv) > 2 else 20000)
with open(body_file, encoding="utf-8") as f:
    body = json.load(f)
token, path, secret, ts = (os.environ[k] for k in ("SNAP_TOKEN", "SNAP_PATH", "SNAP_SECRET", "SNAP_TS"))


def sign():
    return TokenService.generate_symmetric_signature("POST", path, token, body, ts, secret)


signature = sign()
for _ in range(min(iterations, 2000)):
    sign()
t0 = time.perf_counter_ns()
sink = 0
for _ in range(iterations):
    sink += len(sign())
ns = (time.perf_counter_ns() - t0) / iterations
assert sink > 0
print(f"doku-python-library/{os.environ.get('DOKU_VERSION', '?')} {ns:.0f} {signature}")
