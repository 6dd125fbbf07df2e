import { generateSecret } from '@hookline/webhooks/testing';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';
import { UsageError } from '../usage-error.js';

/** `hookline secret generate`: a new key for local testing. */
export const secretCommand: Command = {
  name: 'secret',
  summary: 'Print a new random 32-byte whsec_ signing key for local testing.',
  usage: ['hookline secret generate'],
  details: [
    'The platform issues the real key when the endpoint is created; this one is for local runs of',
    'listen, trigger and simulate, where both sides use the same made-up key.',
  ],
  options: {},
  positionals: true,
  examples: ['hookline secret generate', 'export ANTHROPIC_WEBHOOK_SIGNING_KEY=$(hookline secret generate)'],
  async run(input, io) {
    const [action, ...rest] = input.positionals;
    if (action !== 'generate' || rest.length > 0) {
      throw new UsageError(
        action
          ? `unknown action "${input.positionals.join(' ')}"; the only one is "generate"`
          : 'missing action: generate',
        'secret',
      );
    }
    println(io.stdout, generateSecret());
    return EXIT.ok;
  },
};
