import { Webhooks } from '@hookline/webhooks';

// Rotating the signing secret: the platform invalidates the old secret as soon as a new one is
// generated, so deploy with both keys, regenerate, then drop the old key on the next deploy.
// Any key in the list verifies; each delivery costs at most one HMAC per key.
export const webhooks = new Webhooks({
  key: [process.env.WEBHOOK_KEY_NEW, process.env.WEBHOOK_KEY_OLD].filter((key): key is string => Boolean(key)),
});
