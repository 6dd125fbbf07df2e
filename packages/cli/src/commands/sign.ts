import { sign } from '@hookline/webhooks';
import { eventId } from '@hookline/webhooks/testing';
import { booleanFlag, type Command, listFlag, stringFlag } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';
import { UsageError } from '../usage-error.js';
import { parseTimeFlag } from '../util/parse-time.js';
import { parseHttpUrl } from '../util/post.js';
import { readInput } from '../util/read-input.js';
import { shellQuote } from '../util/shell-quote.js';
import { resolveKeys } from '../util/signing-key.js';

// The webhook-id must equal the event's id (it is the idempotency key), so take it from the body.
function idFromBody(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const id = (parsed as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id !== '' && !id.includes('.') ? id : undefined;
  } catch {
    return undefined;
  }
}

/** `hookline sign`: the three headers for a body, or a ready curl command. */
export const signCommand: Command = {
  name: 'sign',
  summary: 'Sign a body and print the webhook-id, webhook-timestamp and webhook-signature headers.',
  usage: ['hookline sign [--key KEY] [--id ID] [--timestamp T] [--curl URL] [BODY_FILE|-]'],
  details: [
    'The body is signed byte for byte as read (a trailing newline is part of it). The id defaults',
    'to the body\'s "id" field, as the platform sends it, else a fresh whe_… id. whsec_ keys sign',
    'v1 (HMAC-SHA256), whsk_ keys sign v1a (ed25519); several --key sign with each (rotation).',
  ],
  options: {
    key: {
      type: 'string',
      multiple: true,
      value: 'KEY',
      description: 'Signing key (default ANTHROPIC_WEBHOOK_SIGNING_KEY).',
    },
    id: { type: 'string', value: 'ID', description: 'The webhook-id (default: the body\'s "id").' },
    timestamp: { type: 'string', value: 'T', description: 'Unix seconds or ISO 8601 time (default: now).' },
    curl: { type: 'string', value: 'URL', description: 'Print a curl command that POSTs the signed body to URL.' },
    json: { type: 'boolean', description: 'Print the headers as a JSON object.' },
  },
  positionals: true,
  examples: [
    'hookline sign --key whsec_… event.json',
    'cat event.json | hookline sign --timestamp 2026-03-15T10:00:00Z -',
    'hookline sign event.json --curl http://localhost:3000/webhooks | sh',
  ],
  async run(input, io) {
    if (input.positionals.length > 1) throw new UsageError('give one BODY_FILE (or - for stdin)', 'sign');
    const keys = resolveKeys(listFlag(input, 'key'), io.env, 'sign');
    const rawTimestamp = stringFlag(input, 'timestamp');
    const timestamp = rawTimestamp === undefined ? Math.floor(Date.now() / 1000) : parseTimeFlag(rawTimestamp);
    if (timestamp === undefined) {
      throw new UsageError(`--timestamp must be Unix seconds or an ISO 8601 time; got "${rawTimestamp}"`, 'sign');
    }
    const curl = stringFlag(input, 'curl');
    if (curl !== undefined && !parseHttpUrl(curl))
      throw new UsageError(`--curl needs an http(s) URL; got "${curl}"`, 'sign');
    const body = await readInput(input.positionals[0], io.stdin, 'sign');
    const id = stringFlag(input, 'id') ?? idFromBody(body) ?? eventId();
    if (id === '' || id.includes('.')) throw new UsageError('--id must be non-empty and contain no "."', 'sign');
    const headers = sign({ id, timestamp, body, key: keys });
    if (curl !== undefined) {
      const parts = ['curl', '-sS', '-X', 'POST', shellQuote(curl), '-H', shellQuote('content-type: application/json')];
      for (const [name, value] of Object.entries(headers)) parts.push('-H', shellQuote(`${name}: ${value}`));
      parts.push('--data-binary', shellQuote(body.toString('utf8')));
      println(io.stdout, parts.join(' '));
    } else if (booleanFlag(input, 'json')) {
      println(io.stdout, JSON.stringify(headers));
    } else {
      for (const [name, value] of Object.entries(headers)) println(io.stdout, `${name}: ${value}`);
    }
    return EXIT.ok;
  },
};
