import { parseArgs } from 'node:util';
import type { Io } from './io.js';
import { UsageError } from './usage-error.js';

/** One flag of a command, as node:util parseArgs wants it plus what --help shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help after the flag, e.g. `URL`. */
  value?: string;
  description: string;
}

/** A `hookline` sub-command. */
export interface Command {
  name: string;
  /** One line for `hookline --help`. */
  summary: string;
  /** The synopsis line(s) after `Usage:`. */
  usage: string[];
  /** Extra paragraphs for the command's --help. */
  details?: string[];
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
  /** Commands that parse their own argv (relay) skip the shared parser. */
  rawArgs?: boolean;
  run(input: CommandInput, io: Io): Promise<number>;
}

/** What a command receives after parsing. */
export interface CommandInput {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  argv: string[];
}

/** Parses argv against the command's flags; every parse failure becomes a UsageError. */
export function parseCommandArgs(command: Command, argv: string[]): CommandInput {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), multiple: spec.multiple ?? false };
  }
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
    });
    if (!command.positionals && positionals.length > 0) {
      throw new UsageError(`unexpected argument "${positionals[0]}"`, command.name);
    }
    return { values: values as CommandInput['values'], positionals, argv };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''), command.name);
  }
}

/** The string value of a flag, or undefined. */
export function stringFlag(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable string flag. */
export function listFlag(input: CommandInput, name: string): string[] {
  const value = input.values[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** Whether a boolean flag was given. */
export function booleanFlag(input: CommandInput, name: string): boolean {
  return input.values[name] === true;
}

/** A numeric flag within bounds; bad values are usage errors that say what is allowed. */
export function numberFlag(
  input: CommandInput,
  command: string,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const raw = stringFlag(input, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = bounds;
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const range = [
      integer ? 'an integer' : 'a number',
      Number.isFinite(min) ? `≥ ${min}` : '',
      Number.isFinite(max) ? `≤ ${max}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw new UsageError(`--${name} must be ${range}; got "${raw}"`, command);
  }
  return value;
}
