import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { booleanFlag, type Command, listFlag, numberFlag, stringFlag } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';
import { formatDeliveryLine } from '../listen/format-line.js';
import { createListener } from '../listen/server.js';
import { palette, wantsDecoration } from '../output/color.js';
import { UsageError } from '../usage-error.js';
import { parseHttpUrl } from '../util/post.js';
import { resolveKeys } from '../util/signing-key.js';

/** `hookline listen`: a local receiver that verifies and prints every delivery. */
export const listenCommand: Command = {
  name: 'listen',
  summary: 'Receive deliveries locally, verify each one and print a line per event.',
  usage: ['hookline listen [--port 8787] [--path /webhooks] [--key KEY] [--forward-to URL] [--json]'],
  details: [
    'Answers 204 to a verified delivery and 400 (with the reason) to a rejected one; with',
    "--forward-to it passes the original bytes and headers on and answers with the app's status.",
    'It never redirects. A repeated event id is marked [duplicate]: retries and duplicates are normal.',
    'The first line (stderr) says where it listens; Ctrl-C stops it.',
  ],
  options: {
    port: {
      type: 'string',
      short: 'p',
      value: 'PORT',
      description: 'Port to listen on (default 8787; 0 picks a free one).',
    },
    host: { type: 'string', value: 'HOST', description: 'Interface to bind (default 127.0.0.1).' },
    path: { type: 'string', value: 'PATH', description: 'Only accept deliveries on this path (default: any path).' },
    key: {
      type: 'string',
      multiple: true,
      value: 'KEY',
      description: 'Key(s) to verify with (default ANTHROPIC_WEBHOOK_SIGNING_KEY).',
    },
    'forward-to': {
      type: 'string',
      value: 'URL',
      description: 'Pass each delivery on to this URL and show its status and latency.',
    },
    json: { type: 'boolean', description: 'Print one JSON object per delivery (NDJSON).' },
  },
  examples: [
    'hookline listen --path /webhooks',
    'hookline listen --forward-to http://localhost:3000/webhooks',
    'hookline listen --json | jq -c "select(.verified == false)"',
  ],
  async run(input, io) {
    const keys = resolveKeys(listFlag(input, 'key'), io.env, 'listen');
    const port = numberFlag(input, 'listen', 'port', 8787, { min: 0, max: 65535, integer: true });
    const host = stringFlag(input, 'host') ?? '127.0.0.1';
    const path = stringFlag(input, 'path');
    if (path !== undefined && !path.startsWith('/'))
      throw new UsageError(`--path must start with "/"; got "${path}"`, 'listen');
    const forwardTo = stringFlag(input, 'forward-to');
    if (forwardTo !== undefined && !parseHttpUrl(forwardTo)) {
      throw new UsageError(`--forward-to needs an http(s) URL; got "${forwardTo}"`, 'listen');
    }
    const json = booleanFlag(input, 'json');
    const paint = palette(wantsDecoration(io.stdout, io.env));
    const server = createListener({
      keys,
      path,
      forwardTo,
      forwardTimeoutMs: 30_000,
      onDelivery: (record) => println(io.stdout, json ? JSON.stringify(record) : formatDeliveryLine(record, paint)),
    });
    server.listen(port, host);
    try {
      await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
    } catch (error) {
      println(io.stderr, `hookline listen: cannot listen on ${host}:${port}: ${(error as Error).message}`);
      return EXIT.usage;
    }
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    println(
      io.stderr,
      `Listening on http://${shownHost}:${address.port}${path ?? '/'}${forwardTo ? ` → ${forwardTo}` : ''}`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT.ok;
  },
};
