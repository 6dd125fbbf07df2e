import { WebhookConfigError } from '@hookline/webhooks';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Checks and quotes a table name (optionally `schema.table`). Table names are configuration,
 * never input, but they end up in SQL text, so anything unusual is refused outright.
 */
export function quoteTableName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new WebhookConfigError(
      'invalid_option',
      `dedupe store: table name ${JSON.stringify(name)} must be letters, digits and underscores (optionally schema.table).`,
    );
  }
  return parts.map((part) => `"${part}"`).join('.');
}

/** How often (in claims) expired rows are deleted automatically; `0` turns it off. */
export function checkPruneEvery(value: number | undefined): number {
  const every = value ?? 1000;
  if (!Number.isInteger(every) || every < 0) {
    throw new WebhookConfigError('invalid_option', 'dedupe store: `pruneEvery` must be a whole number ≥ 0.');
  }
  return every;
}
