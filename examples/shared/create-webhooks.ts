import { isKnownEvent, Webhooks, type WebhooksOptions } from '@hookline/webhooks';
import { onSessionIdled } from './handlers/on-session-idled.js';
import { onVaultCredential } from './handlers/on-vault-credential.js';

/**
 * The router every example serves. The key defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY; dedupe
 * defaults to an in-memory store (see examples/stores for stores shared by replicas).
 */
export function createWebhooks(options: WebhooksOptions = {}): Webhooks {
  const webhooks = new Webhooks(options);
  webhooks.on('session.status_idled', onSessionIdled);
  webhooks.on('vault_credential.*', onVaultCredential);
  webhooks.onUnhandled((event) => {
    // New types arrive every few weeks: accept them (2xx) and look at them later.
    if (!isKnownEvent(event)) console.info(`unknown event type ${String(event.data.type)} (${event.id})`);
  });
  webhooks.onError((error, { event }) => {
    console.error(`webhook ${event?.id ?? '(unverified)'} failed:`, error.message);
  });
  return webhooks;
}
