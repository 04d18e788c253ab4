// Drives the unmodified official Midtrans Node SDK (npm `midtrans-client`,
// module lib/snapBi) against `snap sandbox --profile gopay` and prints one
// JSON object with every answer, for the Rust test (tests/it/midtrans.rs)
// to assert.
//
// The SDK is only configured, never patched: its sandbox base URL (a
// static property of SnapBiConfig) is pointed at the local sandbox.
//
// Environment: SANDBOX_URL, CLIENT_ID, CLIENT_SECRET, PRIVATE_KEY_FILE,
// DD_REFERENCE_NO / DD_PARTNER_REFERENCE_NO (a payment to cancel by direct
// debit cancel), QR_REFERENCE_NO / QR_PARTNER_REFERENCE_NO (one to cancel by
// QRIS cancel). NODE_PATH must contain the folder holding midtrans-client.
'use strict';
const fs = require('fs');
const midtrans = require('midtrans-client');

const { SnapBi, SnapBiConfig } = midtrans;
const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};

SnapBiConfig.isProduction = false;
SnapBiConfig.SNAP_BI_SANDBOX_BASE_URL = env('SANDBOX_URL');
SnapBiConfig.snapBiClientId = env('CLIENT_ID');
SnapBiConfig.snapBiClientSecret = env('CLIENT_SECRET');
SnapBiConfig.snapBiPrivateKey = fs.readFileSync(env('PRIVATE_KEY_FILE'), 'utf8');
SnapBiConfig.snapBiPartnerId = env('CLIENT_ID');
SnapBiConfig.snapBiChannelId = '12345';

const ext = (n) => `${Date.now()}${n}`.slice(0, 36);

async function main() {
  const out = { sdkVersion: require('midtrans-client/package.json').version };

  // Token: the SDK sends {"grant_type":"client_credentials"}, signed
  // SHA256withRSA over clientId|timestamp.
  const token = await SnapBi.directDebit().getAccessToken();
  out.token = token;
  const accessToken = token.accessToken;

  // Direct debit cancel (57), with the token obtained above.
  out.debitCancel = await SnapBi.directDebit()
    .withAccessToken(accessToken)
    .withBody({
      originalReferenceNo: env('DD_REFERENCE_NO'),
      originalPartnerReferenceNo: env('DD_PARTNER_REFERENCE_NO'),
    })
    .cancel(ext(1));
  // The same cancel again: the payment is already cancelled.
  out.debitCancelAgain = await SnapBi.directDebit()
    .withAccessToken(accessToken)
    .withBody({
      originalReferenceNo: env('DD_REFERENCE_NO'),
      originalPartnerReferenceNo: env('DD_PARTNER_REFERENCE_NO'),
    })
    .cancel(ext(2));

  // QRIS cancel (77): no access token given, so the SDK fetches its own.
  out.qrisCancel = await SnapBi.qris()
    .withBody({
      originalReferenceNo: env('QR_REFERENCE_NO'),
      originalPartnerReferenceNo: env('QR_PARTNER_REFERENCE_NO'),
      merchantId: 'M-SANDBOX-1',
      reason: 'cancel reason',
    })
    .cancel(ext(3));

  // VA delete (31): POST /v1.0/transfer-va/delete-va.
  const vaBody = {
    partnerServiceId: '   70012',
    customerNo: '0812345678',
    virtualAccountNo: '   700120812345678',
    trxId: 'va-trx-1',
    additionalInfo: { merchantId: 'M-SANDBOX-1' },
  };
  out.vaDelete = await SnapBi.va().withAccessToken(accessToken).withBody(vaBody).cancel(ext(4));
  out.vaDeleteAgain = await SnapBi.va().withAccessToken(accessToken).withBody(vaBody).cancel(ext(5));

  // A wrong client secret: the signature no longer matches.
  SnapBiConfig.snapBiClientSecret = 'not-the-secret';
  out.badSignature = await SnapBi.va().withAccessToken(accessToken).withBody(vaBody).cancel(ext(6));

  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) }) + '\n');
  process.exit(1);
});
