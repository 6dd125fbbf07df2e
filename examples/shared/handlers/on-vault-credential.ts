import type { Handler } from '@hookline/webhooks';

/** Every vault credential event; `vault_id` is typed because every matching type carries it. */
export const onVaultCredential: Handler<'vault_credential.*'> = (event) => {
  if (event.data.type === 'vault_credential.refresh_failed') {
    console.warn(`credential ${event.data.id} in vault ${event.data.vault_id} needs re-authorisation`);
  }
};
