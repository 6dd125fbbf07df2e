// The relay as its own process, exactly as `hookline relay` runs it: `node relay-child.mjs [flags]`.
import { runRelayCommand } from '@hookline/relay';

process.exitCode = await runRelayCommand(process.argv.slice(2));
