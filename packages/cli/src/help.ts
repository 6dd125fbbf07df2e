import type { Command } from './command.js';

function flagLabel(name: string, spec: Command['options'][string]): string {
  const short = spec.short ? `-${spec.short}, ` : '';
  const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
  return `${short}--${name}${value}${spec.multiple ? ' …' : ''}`;
}

/** The --help text of one command: usage, details, flags and examples. */
export function commandHelp(command: Command): string {
  const lines = [command.summary, '', 'Usage:', ...command.usage.map((line) => `  ${line}`)];
  if (command.details?.length) lines.push('', ...command.details);
  const flags = Object.entries(command.options);
  if (flags.length > 0) {
    const labels = flags.map(([name, spec]) => flagLabel(name, spec));
    const width = Math.max(...labels.map((label) => label.length));
    lines.push('', 'Options:');
    flags.forEach(([, spec], index) => {
      lines.push(`  ${labels[index]!.padEnd(width)}  ${spec.description}`);
    });
  }
  if (command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}

/** `hookline --help`: every command with its summary. */
export function globalHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `hookline ${version}: build and test Claude Managed Agents webhook handlers without the platform.`,
    '',
    'Usage:',
    '  hookline <command> [options]',
    '  hookline <command> --help',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  -h, --help     Show help (also after any command).',
    '  -v, --version  Print the version.',
    '',
    'The signing key comes from --key or ANTHROPIC_WEBHOOK_SIGNING_KEY.',
    'Exit codes: 0 ok, 1 check failed, 2 usage error, 3 endpoint auto-disabled (simulate). See docs/cli.md.',
    '',
  ].join('\n');
}
