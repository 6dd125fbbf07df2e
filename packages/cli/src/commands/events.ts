import { EVENT_CATALOGUE, type EventDefinition, RESOURCES } from '@hookline/webhooks';
import { booleanFlag, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { println } from '../io.js';

const catalogue: Readonly<Record<string, EventDefinition>> = EVENT_CATALOGUE;

/** One catalogue row in the shape `--json` prints. */
export interface EventRow {
  type: string;
  resource: string;
  idPrefix: string;
  extra: Record<string, string>;
  workspace: boolean;
  summary: string;
}

/** The catalogue rows, optionally filtered by a substring of the type. */
export function eventRows(filter?: string): EventRow[] {
  return Object.entries(catalogue)
    .filter(([type]) => !filter || type.includes(filter))
    .map(([type, row]) => ({
      type,
      resource: RESOURCES[row.resource].label,
      idPrefix: `${RESOURCES[row.resource].prefix}_`,
      extra: Object.fromEntries(Object.entries(row.extra ?? {}).map(([field, kind]) => [field, RESOURCES[kind].label])),
      workspace: row.workspace !== false,
      summary: row.summary,
    }));
}

/** `hookline events`: the catalogue with descriptions. */
export const eventsCommand: Command = {
  name: 'events',
  summary: 'List every data.type in the event catalogue, with what data.id names.',
  usage: ['hookline events [FILTER] [--json]'],
  options: { json: { type: 'boolean', description: 'Print a JSON array instead of a table.' } },
  positionals: true,
  examples: ['hookline events', 'hookline events vault_credential', 'hookline events --json | jq -r ".[].type"'],
  async run(input, io) {
    const rows = eventRows(input.positionals[0]);
    if (booleanFlag(input, 'json')) {
      println(io.stdout, JSON.stringify(rows, null, 2));
      return EXIT.ok;
    }
    const width = Math.max(...rows.map((row) => row.type.length), 4);
    for (const row of rows) {
      const extra = Object.keys(row.extra).map((field) => ` +${field}`);
      const scope = row.workspace ? '' : ' (organization-level)';
      println(
        io.stdout,
        `${row.type.padEnd(width)}  ${row.summary} (data.id: ${row.idPrefix}…${extra.join('')})${scope}`,
      );
    }
    if (rows.length === 0) println(io.stderr, `no event type contains "${input.positionals[0]}"`);
    return rows.length === 0 ? EXIT.failed : EXIT.ok;
  },
};
