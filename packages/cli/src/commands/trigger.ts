import { EVENT_TYPES, isEventType, sign } from '@hookline/webhooks';
import { eventId, sampleData } from '@hookline/webhooks/testing';
import { booleanFlag, type Command, listFlag, numberFlag, stringFlag } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';
import { palette, wantsDecoration } from '../output/color.js';
import { UsageError } from '../usage-error.js';
import { parseHttpUrl, post } from '../util/post.js';
import { applyAssignment, parseAssignment } from '../util/set-fields.js';
import { resolveKeys } from '../util/signing-key.js';
import { suggest } from '../util/suggest.js';

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The event envelope for a type, with fresh realistic ids and the --set changes applied. */
export function buildTriggerEvent(type: string, sets: string[]): Record<string, unknown> {
  const event: Record<string, unknown> = {
    id: eventId(),
    created_at: rfc3339(new Date()),
    data: sampleData(type),
    type: 'event',
  };
  for (const raw of sets) {
    const assignment = parseAssignment(raw);
    if (typeof assignment === 'string') throw new UsageError(assignment, 'trigger');
    if (assignment.path[0] === 'type') {
      throw new UsageError(
        'the envelope type is always "event"; set data.type (or name another type) instead',
        'trigger',
      );
    }
    applyAssignment(event, assignment);
  }
  return event;
}

/** `hookline trigger`: one realistic signed event of any catalogue type. */
export const triggerCommand: Command = {
  name: 'trigger',
  summary: 'Send one realistic, signed event of any catalogue type and show the response.',
  usage: ['hookline trigger <data.type> --to URL [--key KEY] [--set data.field=value …]'],
  details: [
    'Values in --set that read as JSON (numbers, true, null, {…}) are sent as JSON, others as strings.',
    'Exit 0 on a 2xx answer, 1 on any other answer or no answer.',
  ],
  options: {
    to: { type: 'string', value: 'URL', description: 'Where to POST the event (required).' },
    key: {
      type: 'string',
      multiple: true,
      value: 'KEY',
      description: 'Signing key (default ANTHROPIC_WEBHOOK_SIGNING_KEY).',
    },
    set: { type: 'string', multiple: true, value: 'PATH=VALUE', description: 'Set data.<field>, id or created_at.' },
    unknown: {
      type: 'boolean',
      description: 'Allow a type the catalogue does not know (to test unknown-type handling).',
    },
    timeout: {
      type: 'string',
      value: 'SECONDS',
      description: 'Give up waiting for the response after this long (default 15).',
    },
    'dry-run': { type: 'boolean', description: 'Print the headers and body instead of sending.' },
    json: { type: 'boolean', description: 'Print the result as one JSON object.' },
  },
  positionals: true,
  examples: [
    'hookline trigger session.status_idled --to http://localhost:3000/webhooks',
    'hookline trigger vault_credential.refresh_failed --to http://localhost:3000/webhooks --set data.vault_id=vlt_011CZkZDLs7fYzm1hXNPeRjv',
    'hookline trigger session.brand_new_type --unknown --to http://localhost:3000/webhooks',
  ],
  async run(input, io) {
    const [type, ...extra] = input.positionals;
    if (!type)
      throw new UsageError('missing the event type, e.g. session.status_idled (see: hookline events)', 'trigger');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, 'trigger');
    if (!isEventType(type) && !booleanFlag(input, 'unknown')) {
      const close = suggest(type, EVENT_TYPES);
      throw new UsageError(
        `unknown event type "${type}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}\n` +
          'List them with: hookline events (or pass --unknown to send it anyway)',
        'trigger',
      );
    }
    const dryRun = booleanFlag(input, 'dry-run');
    const to = stringFlag(input, 'to');
    if (!dryRun && to === undefined) throw new UsageError('missing --to URL', 'trigger');
    if (to !== undefined && !parseHttpUrl(to))
      throw new UsageError(`--to needs an http(s) URL; got "${to}"`, 'trigger');
    const timeout = numberFlag(input, 'trigger', 'timeout', 15, { min: 0.001 });
    const keys = resolveKeys(listFlag(input, 'key'), io.env, 'trigger');
    const event = buildTriggerEvent(type, listFlag(input, 'set'));
    const body = JSON.stringify(event);
    const id = String(event.id);
    if (id === '' || id.includes('.')) throw new UsageError('id must be non-empty and contain no "."', 'trigger');
    const headers = { 'content-type': 'application/json', ...sign({ id, body, key: keys }) };
    if (dryRun) {
      for (const [name, value] of Object.entries(headers)) println(io.stdout, `${name}: ${value}`);
      println(io.stdout);
      println(io.stdout, body);
      return EXIT.ok;
    }
    const result = await post(to!, body, headers, timeout * 1000);
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
    if (booleanFlag(input, 'json')) {
      println(
        io.stdout,
        JSON.stringify({
          id,
          type,
          to,
          status: result.status ?? null,
          ms: Math.round(result.ms),
          body: result.body,
          error: result.error ?? null,
        }),
      );
      return ok ? EXIT.ok : EXIT.failed;
    }
    const paint = palette(wantsDecoration(io.stdout, io.env));
    println(io.stdout, `→ POST ${to}  ${type}  ${id}`);
    if (result.status === undefined) {
      println(io.stdout, paint.red(`✗ no response after ${Math.round(result.ms)} ms: ${result.error}`));
      return EXIT.failed;
    }
    const mark = ok ? paint.green('✓') : paint.red('✗');
    println(io.stdout, `${mark} ${result.status} in ${Math.round(result.ms)} ms`);
    const excerpt = result.body.length > 300 ? `${result.body.slice(0, 300)}…` : result.body;
    if (excerpt.trim() !== '') println(io.stdout, paint.dim(excerpt.trimEnd()));
    if (result.status >= 300 && result.status < 400) {
      println(io.stdout, paint.yellow('! The platform never follows redirects: a 3xx disables the endpoint at once.'));
    }
    return ok ? EXIT.ok : EXIT.failed;
  },
};
