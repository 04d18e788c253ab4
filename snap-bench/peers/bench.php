<?php
// midtrans-php (source at a pinned commit): times
// SnapBi::getSymmetricSignatureHmacSh512, the SDK's own SNAP symmetric
// signature (json_encode + SHA-256 hex + HMAC-SHA512 + base64), on the
// parsed Auth Payment sample body.
// usage: php bench.php BODY_FILE ITERATIONS   (prints: IMPL NS_PER_OP SIGNATURE)
require getenv('MIDTRANS_PHP_DIR') . '/SnapBi/SnapBi.php';

$bodyFile = $argv[1];
$iterations = intval($argv[2] ?? 20000);
// Decoded as an associative array, as the SDK's callers pass bodies.
$body = json_decode(file_get_contents($bodyFile), true);
$token = getenv('SNAP_TOKEN');
$path = getenv('SNAP_PATH');
$secret = getenv('SNAP_SECRET');
$ts = getenv('SNAP_TS');

$sign = fn() => \SnapBi\SnapBi::getSymmetricSignatureHmacSh512($token, $body, 'POST', $path, $secret, $ts);
$signature = $sign();
for ($i = 0; $i < min($iterations, 2000); $i++) { $sign(); }
$t0 = hrtime(true);
$sink = 0;
for ($i = 0; $i < $iterations; $i++) { $sink += strlen($sign()); }
$ns = (hrtime(true) - $t0) / $iterations;
if ($sink === 0) { exit(1); }
printf("midtrans-php/%s %.0f %s\n", substr(getenv('MIDTRANS_PHP_COMMIT'), 0, 7), $ns, $signature);
