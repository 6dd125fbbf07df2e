import { readFile } from 'node:fs/promises';
import { booleanFlag, type Command, listFlag, stringFlag } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';
import { palette, wantsDecoration } from '../output/color.js';
import { UsageError } from '../usage-error.js';
import { parseTimeFlag } from '../util/parse-time.js';
import { readInput } from '../util/read-input.js';
import { resolveKeys } from '../util/signing-key.js';
import { type Diagnosis, describeAge, diagnose } from '../verify/diagnose.js';
import { addHeader, parseHeaderLine, parseHeaderText } from '../verify/read-headers.js';

async function collectHeaders(files: string[], lines: string[]): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read headers file ${file}: ${(error as Error).message}`, 'verify');
    }
    const parsed = parseHeaderText(text);
    if (typeof parsed === 'string') throw new UsageError(parsed, 'verify');
    for (const [name, value] of Object.entries(parsed)) addHeader(headers, name, value);
  }
  for (const line of lines) {
    const parsed = parseHeaderLine(line);
    if (!parsed) throw new UsageError(`--header expects "name: value"; got "${line}"`, 'verify');
    addHeader(headers, parsed[0], parsed[1]);
  }
  return headers;
}

function parseTolerance(raw: string | undefined): number | false {
  if (raw === undefined) return 300;
  if (raw === 'off' || raw === 'false') return false;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new UsageError(`--tolerance must be seconds ≥ 0 or "off"; got "${raw}"`, 'verify');
  return value;
}

function printDiagnosis(diagnosis: Diagnosis, color: boolean, write: (line: string) => void): void {
  const paint = palette(color);
  if (diagnosis.valid) {
    const key = diagnosis.matchedKey ? ` with key #${diagnosis.matchedKey} (${diagnosis.version})` : '';
    const age = diagnosis.ageSeconds === undefined ? '' : `, timestamp ${describeAge(diagnosis.ageSeconds)}`;
    write(`${paint.green('✓ valid')}: signed${key}${age}`);
  } else {
    write(`${paint.red('✗ invalid')}: ${diagnosis.message}${diagnosis.code ? ` (${diagnosis.code})` : ''}`);
  }
  if (diagnosis.event) write(`  event ${diagnosis.event.id}  ${diagnosis.event.type}  ${diagnosis.event.resourceId}`);
  for (const finding of diagnosis.findings) write(`  - ${finding}`);
}

/** `hookline verify`: checks a captured delivery offline and explains failures. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Verify a captured delivery offline and explain precisely why it fails.',
  usage: ["hookline verify [--key KEY …] [--header 'name: value' …] [--headers-file F] [BODY_FILE|-]"],
  details: [
    'The body is checked byte for byte as read. The headers file holds "name: value" lines (a',
    'curl -D dump works) or a JSON object. Exit 0 when valid, 1 when not, 2 on bad input.',
  ],
  options: {
    key: {
      type: 'string',
      multiple: true,
      value: 'KEY',
      description: 'Key(s) to try (default ANTHROPIC_WEBHOOK_SIGNING_KEY).',
    },
    header: {
      type: 'string',
      short: 'H',
      multiple: true,
      value: "'NAME: VALUE'",
      description: 'A request header (repeatable).',
    },
    'headers-file': { type: 'string', multiple: true, value: 'FILE', description: 'A file of request headers.' },
    tolerance: {
      type: 'string',
      value: 'SECONDS|off',
      description: 'Accepted clock skew (default 300); off checks only the signature.',
    },
    now: {
      type: 'string',
      value: 'T',
      description: 'The clock to check against: Unix seconds or ISO 8601 (default: now).',
    },
    json: { type: 'boolean', description: 'Print the result as one JSON object.' },
  },
  positionals: true,
  examples: [
    'hookline verify --headers-file headers.txt body.json',
    "hookline verify -H 'webhook-id: whe_…' -H 'webhook-timestamp: 1773568800' -H 'webhook-signature: v1,…' body.json",
    'hookline verify --key whsec_old… --key whsec_new… --headers-file h.txt --tolerance off body.json',
  ],
  async run(input, io) {
    if (input.positionals.length > 1) throw new UsageError('give one BODY_FILE (or - for stdin)', 'verify');
    const keys = resolveKeys(listFlag(input, 'key'), io.env, 'verify');
    const tolerance = parseTolerance(stringFlag(input, 'tolerance'));
    const rawNow = stringFlag(input, 'now');
    const nowSeconds = rawNow === undefined ? undefined : parseTimeFlag(rawNow);
    if (rawNow !== undefined && nowSeconds === undefined) {
      throw new UsageError(`--now must be Unix seconds or an ISO 8601 time; got "${rawNow}"`, 'verify');
    }
    const headers = await collectHeaders(listFlag(input, 'headers-file'), listFlag(input, 'header'));
    const body = await readInput(input.positionals[0], io.stdin, 'verify');
    const now = nowSeconds === undefined ? Date.now() : nowSeconds * 1000;
    const diagnosis = diagnose({ body, headers, keys, tolerance, now });
    if (booleanFlag(input, 'json')) println(io.stdout, JSON.stringify(diagnosis));
    else printDiagnosis(diagnosis, wantsDecoration(io.stdout, io.env), (line) => println(io.stdout, line));
    return diagnosis.valid ? EXIT.ok : EXIT.failed;
  },
};
