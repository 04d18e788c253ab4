#!/bin/sh
# Recomputes own-kat.json independently of snap-rs: python3 (json, hashlib,
# hmac, base64) for minify / SHA-256 / HMAC / JWT, `openssl dgst -sha256 -sign`
# for SHA256withRSA. Run from anywhere: sh snap-core/tests/vectors/gen.sh
#
# The test keys are generated once (only if missing) and committed: they are
# TEST-ONLY keys, published here, never to be used for anything real.
#   openssl genrsa -traditional -out test-a-pkcs1.pem 2048     (PKCS#1 private)
#   openssl genrsa -out test-b.tmp 2048 && openssl pkcs8 -topk8 -nocrypt -in test-b.tmp -out test-b-pkcs8.pem
#   openssl rsa -in test-a-pkcs1.pem -pubout -out test-a-spki.pub.pem
#   openssl rsa -in test-a-pkcs1.pem -RSAPublicKey_out -out test-a-pkcs1.pub.pem
#   openssl rsa -in test-b-pkcs8.pem -pubout -out test-b-spki.pub.pem
#   qoinhub-1024.pub.pem: the public half of the Qoinhub 1024-bit sample key in
#   public-kat.json (openssl rsa -pubout), for the legacy-verification test.
set -eu
cd "$(dirname "$0")"

[ -f test-a-pkcs1.pem ] || openssl genrsa -traditional -out test-a-pkcs1.pem 2048
if [ ! -f test-b-pkcs8.pem ]; then
  openssl genrsa -out test-b.tmp 2048
  openssl pkcs8 -topk8 -nocrypt -in test-b.tmp -out test-b-pkcs8.pem
  rm -f test-b.tmp
fi
openssl rsa -in test-a-pkcs1.pem -pubout -out test-a-spki.pub.pem 2>/dev/null
openssl rsa -in test-a-pkcs1.pem -RSAPublicKey_out -out test-a-pkcs1.pub.pem 2>/dev/null
openssl rsa -in test-b-pkcs8.pem -pubout -out test-b-spki.pub.pem 2>/dev/null
python3 -c 'import json;print(json.load(open("public-kat.json"))["vectors"][0]["private_key_pem"],end="")' \
  | openssl rsa -pubout -out qoinhub-1024.pub.pem 2>/dev/null

python3 - <<'EOF'
import base64, hashlib, hmac, json, subprocess

def minify(body):
    # independent of snap-rs: a JSON round trip that keeps non-ASCII and '/'
    # as they are (valid here because the bodies below contain no escapes
    # and no numbers whose rendering Python would change)
    if body == "":
        return ""
    return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)

def sha(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()

def rsa_sign(keyfile, msg):
    # equivalent to: printf %s "$msg" | openssl dgst -sha256 -sign KEY | base64 -w0
    out = subprocess.run(["openssl", "dgst", "-sha256", "-sign", keyfile],
                         input=msg.encode("utf-8"), capture_output=True, check=True).stdout
    return base64.b64encode(out).decode()

def hmac512(secret, msg):
    return base64.b64encode(hmac.new(secret.encode(), msg.encode("utf-8"), hashlib.sha512).digest()).decode()

SLASH_UTF8 = '{"partnerServiceId":"   12345","virtualAccountName":"Jos\u00e9 \u4e2d\u6587","url":"https://merchant.example/cb/notify","note":"a/b"}'
PRETTY = '{\n    "originalReferenceNo": "A120240430081940S9vu8gSjaRID",\n    "voidAmount": {\n        "value": "10000.00",\n        "currency": "IDR"\n    },\n    "reason": "Customer \\"asked\\" to cancel",\n    "items": [ 1, 2, 3 ]\n}\n'

vectors = []
def tx(id, kind, method, path, ts, body, **kw):
    m = minify(body)
    h = sha(m)
    v = {"id": id, "kind": kind, "http_method": method, "endpoint_url": path,
         "x_timestamp": ts, "request_body": body, "expected_minified_body": m,
         "expected_body_sha256_hex": h}
    if kind == "transaction_symmetric":
        s = f"{method}:{path}:{kw['access_token']}:{h}:{ts}"
        v.update(client_secret=kw["client_secret"], access_token=kw["access_token"],
                 expected_string_to_sign=s, expected_signature_base64=hmac512(kw["client_secret"], s))
    else:
        s = f"{method}:{path}:{h}:{ts}"
        v.update(private_key_file=kw["key"], public_key_file=kw["pub"],
                 expected_string_to_sign=s, expected_signature_base64=rsa_sign(kw["key"], s))
    vectors.append(v)

SEC = dict(client_secret="own-test-secret-\u00e9", access_token="eyJhbGciOiJIUzI1NiJ9.own.test")
tx("sym_slash_non_ascii", "transaction_symmetric", "POST", "/snap/v1.0/transfer-va/payment",
   "2024-06-01T10:00:00+07:00", SLASH_UTF8, **SEC)
tx("sym_get_query_no_body", "transaction_symmetric", "GET",
   "/v1.0/balance-inquiry?accountNo=0012345&from=2024-06-01&path=a%2Fb",
   "2024-06-01T03:00:00.123Z", "", **SEC)
tx("sym_pretty_body_millis", "transaction_symmetric", "POST", "/v1.0/auth/void",
   "2024-06-01T10:00:00.456+07:00", PRETTY, **SEC)
A = dict(key="test-a-pkcs1.pem", pub="test-a-spki.pub.pem")
B = dict(key="test-b-pkcs8.pem", pub="test-b-spki.pub.pem")
tx("asym_pkcs1_slash_non_ascii_z", "transaction_asymmetric", "POST", "/v1.0/debit/notify",
   "2024-06-01T03:00:00Z", SLASH_UTF8, **A)
tx("asym_pkcs8_pretty_millis", "transaction_asymmetric", "POST", "/openapi/v1.0/auth/void",
   "2024-06-01T10:00:00.789+07:00", PRETTY, **B)
tx("asym_get_query_no_body", "transaction_asymmetric", "GET",
   "/v1.0/transaction-history-list?fromDateTime=2024-06-01T00%3A00%3A00%2B07%3A00&pageSize=10",
   "2024-06-01T10:00:00+07:00", "", **A)

for id, key, pub, cid, ts in [
    ("token_pkcs1_z", "test-a-pkcs1.pem", "test-a-pkcs1.pub.pem", "own-client-001", "2024-06-01T03:00:00Z"),
    ("token_pkcs8_millis", "test-b-pkcs8.pem", "test-b-spki.pub.pem", "own-client-002", "2024-06-01T10:00:00.000+07:00"),
]:
    s = f"{cid}|{ts}"
    vectors.append({"id": id, "kind": "access_token_asymmetric", "client_id": cid, "x_timestamp": ts,
                    "private_key_file": key, "public_key_file": pub,
                    "expected_string_to_sign": s, "expected_signature_base64": rsa_sign(key, s)})

ipg_body = '{"payment_ref":"1234567890","amount":10000,"reference_id":"abcRef13456789","virtual_account":"1234567890","channel":"bank_name","prefix":"857399"}'
vectors.append({"id": "ipg_reversal", "kind": "ipg_hmac_sha256_hex", "api_key": "own-ipg-api-key",
                "request_body": ipg_body,
                "expected_signature_hex": hmac.new(b"own-ipg-api-key", ipg_body.encode(), hashlib.sha256).hexdigest()})

def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
ayo_body = '{"partnerId":"ayopop","account_number":"43554","ref_number":"5324354"}'
inp = b64u(b'{"alg":"HS256","typ":"JWT"}') + "." + b64u(ayo_body.encode())
jwt = inp + "." + b64u(hmac.new(b"own-ayopop-secret", inp.encode(), hashlib.sha256).digest())
vectors.append({"id": "ayopop_token", "kind": "ayopop_jwt_hs256", "api_key": "own-ayopop-key",
                "secret_key": "own-ayopop-secret", "request_body": ayo_body, "expected_token": jwt})

json.dump({"note": "Own known-answer vectors, computed by gen.sh with python3 and openssl only (not with snap-rs). Keys test-*.pem are TEST-ONLY.",
           "vectors": vectors}, open("own-kat.json", "w"), indent=1, ensure_ascii=False)
print(f"wrote {len(vectors)} vectors")
EOF
