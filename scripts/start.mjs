// `npm start`: runs the relay on its embedded SQLite default, with data in ./data (gitignored).
// It prints the ingress URL, the admin API URL and where the generated admin token is.
// Everything `hookline relay` accepts works here too: `npm start -- --port 9000`,
// HOOKLINE_* variables, ANTHROPIC_WEBHOOK_SIGNING_KEY for a ready-made `anthropic` source.
import { runRelayCommand } from '@hookline/relay';

process.exitCode = await runRelayCommand(process.argv.slice(2));
