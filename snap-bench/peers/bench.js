// midtrans-client (npm): times SnapBi.getSymmetricSignatureHmacSh512, the
// SDK's own SNAP symmetric signature (JSON.stringify + SHA-256 hex +
// HMAC-SHA512 + base64), on the parsed Auth Payment sample body.
// usage: node bench.js BODY_FILE ITERATIONS   (prints: IMPL NS_PER_OP SIGNATURE)
'use strict';
const fs = require('fs');
const path = require('path');
const { SnapBi } = require(path.join(process.env.PEERS_CACHE, 'node', 'node_modules', 'midtrans-client'));

const [bodyFile, iterArg] = process.argv.slice(2);
const iterations = Number(iterArg || 20000);
const body = JSON.parse(fs.readFileSync(bodyFile, 'utf8'));
const { SNAP_TOKEN: token, SNAP_PATH: urlPath, SNAP_SECRET: secret, SNAP_TS: ts } = process.env;

const sign = () => SnapBi.getSymmetricSignatureHmacSh512(token, body, 'POST', urlPath, secret, ts);
const signature = sign();
for (let i = 0; i < Math.min(iterations, 5000); i++) sign(); // JIT warm-up
const t0 = process.hrtime.bigint();
let sink = 0;
for (let i = 0; i < iterations; i++) sink += sign().length;
const ns = Number(process.hrtime.bigint() - t0) / iterations;
if (sink === 0) process.exit(1);
console.log(`midtrans-client/${process.env.MIDTRANS_CLIENT_VERSION} ${ns.toFixed(0)} ${signature}`);
