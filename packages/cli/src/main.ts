import { WebhookConfigError } from '@hookline/webhooks';
import { type Command, parseCommandArgs } from './command.js';
import { eventsCommand } from './commands/events.js';
import { listenCommand } from './commands/listen.js';
import { relayCommand } from './commands/relay.js';
import { secretCommand } from './commands/secret.js';
import { signCommand } from './commands/sign.js';
import { simulateCommand } from './commands/simulate.js';
import { triggerCommand } from './commands/trigger.js';
import { verifyCommand } from './commands/verify.js';
import { EXIT } from './exit-codes.js';
import { commandHelp, globalHelp } from './help.js';
import { type Io, println, processIo } from './io.js';
import { UsageError } from './usage-error.js';
import { suggest } from './util/suggest.js';
import { cliVersion } from './version.js';

/** Every command, in the order `hookline --help` lists them. */
export const COMMANDS: readonly Command[] = [
  listenCommand,
  triggerCommand,
  simulateCommand,
  verifyCommand,
  signCommand,
  secretCommand,
  eventsCommand,
  relayCommand,
];

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command) return command;
  const close = suggest(
    name,
    COMMANDS.map((candidate) => candidate.name),
  );
  throw new UsageError(`unknown command "${name}"${close.length > 0 ? `; did you mean ${close.join(' or ')}?` : ''}`);
}

/** Runs `hookline` with these arguments and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help') {
      io.stdout.write(globalHelp(COMMANDS, cliVersion()));
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '-v' || first === '--version') {
      println(io.stdout, cliVersion());
      return EXIT.ok;
    }
    if (first === 'help') {
      io.stdout.write(rest[0] ? commandHelp(findCommand(rest[0])) : globalHelp(COMMANDS, cliVersion()));
      return EXIT.ok;
    }
    const command = findCommand(first);
    if (command.rawArgs) return await command.run({ values: {}, positionals: rest, argv: rest }, io);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    if (error instanceof UsageError) {
      println(io.stderr, `hookline${error.command ? ` ${error.command}` : ''}: ${error.message}`);
      println(io.stderr, `Run "hookline ${error.command ? `${error.command} ` : ''}--help" for usage.`);
      return EXIT.usage;
    }
    if (error instanceof WebhookConfigError) {
      println(io.stderr, `hookline: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
