// Runs in a child process with Node built-ins blocked for the package, and Buffer and process
// removed, like a Worker without nodejs_compat. Prints one JSON line of results.
const distUrl = new URL('../../../dist/', import.meta.url);
const print = console.log;
// Node implements Headers and WebCrypto on top of Buffer; touch them first so they are loaded.
new Headers();
await crypto.subtle.digest('SHA-256', new Uint8Array());
delete globalThis.Buffer;
globalThis.process = undefined;

const results = {};
const lib = await import(new URL('index.js', distUrl).href);
const testing = await import(new URL('testing/index.js', distUrl).href);
results.loaded = typeof lib.unwrap === 'function' && typeof testing.createTestDelivery === 'function';
results.hasBuffer = typeof Buffer !== 'undefined';

// v1 spec vector, synchronously (portable HMAC) and on WebCrypto.
const vector = { key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', ts: 1614265330 };
const body = '{"test": 2432232314}';
results.syncSignature = lib.sign({ id: vector.id, timestamp: vector.ts, body, key: vector.key })['webhook-signature'];
results.asyncSignature = (await lib.signAsync({ id: vector.id, timestamp: vector.ts, body, key: vector.key }))[
  'webhook-signature'
];

const key = testing.generateSecret();
const delivery = testing.createTestDelivery({ type: 'vault_credential.refresh_failed', key });
results.unwrap = lib.unwrap(delivery.body, { headers: new Headers(delivery.headers), key }).data.type;
results.unwrapAsync = (
  await lib.unwrapAsync(new TextEncoder().encode(delivery.body), { headers: delivery.headers, key })
).data.type;
try {
  lib.unwrap(delivery.body, { headers: delivery.headers, key: testing.generateSecret() });
} catch (error) {
  results.wrongKey = error.message;
}

// ed25519 works on WebCrypto; the synchronous path says clearly that it needs the async one.
const secretKey = 'whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==';
const publicKey = 'whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=';
const signed = await lib.signAsync({ id: 'whe_1', body: delivery.body, key: secretKey });
results.ed25519Async = (await lib.unwrapAsync(delivery.body, { headers: signed, key: publicKey })).data.type;
try {
  lib.verify({ body: delivery.body, headers: signed, key: publicKey });
} catch (error) {
  results.ed25519Sync = error.code;
}
results.envDefaultWithoutProcess = (() => {
  try {
    lib.unwrap(delivery.body, { headers: delivery.headers });
  } catch (error) {
    return error.code;
  }
})();
print(JSON.stringify(results));
