import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';

type RelayEntry = (argv: string[]) => Promise<number>;

/** `hookline relay …`: hands its arguments, untouched, to @hookline/relay. */
export const relayCommand: Command = {
  name: 'relay',
  summary: 'Run the self-hosted relay (@hookline/relay): durable ingress, retries, fan-out, replay.',
  usage: ['hookline relay [relay options]', 'hookline relay --help'],
  details: ['Every argument after "relay" is passed to the relay, which documents its own options.'],
  options: {},
  rawArgs: true,
  examples: ['hookline relay --help'],
  async run(input, io) {
    // Loaded lazily: the relay pulls in database drivers that the other commands never need.
    let entry: RelayEntry | undefined;
    try {
      const relay = (await import('@hookline/relay')) as { runRelayCommand?: RelayEntry };
      entry = relay.runRelayCommand;
    } catch (error) {
      // A relay that is installed but fails to load is a different problem from no relay at all.
      println(io.stderr, `could not load the relay: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.usage;
    }
    if (typeof entry !== 'function') {
      println(io.stderr, 'the relay is not built in this version');
      return EXIT.usage;
    }
    return entry(input.argv);
  },
};
