import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE, EVENT_TYPES, isEventType, RESOURCES } from '../../../src/index.js';
import { sampleData } from '../../../src/testing/index.js';

// The official SDK's declarations are the most current public description of the catalogue:
// every `BetaWebhook…EventData` interface, with its `type` literal and its fields.
function sdkInterfaces(): Map<string, string[]> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@anthropic-ai/sdk');
  const source = readFileSync(join(dirname(entry), 'resources/beta/webhooks.d.ts'), 'utf8');
  const found = new Map<string, string[]>();
  for (const match of source.matchAll(/export interface BetaWebhook\w+EventData \{([\s\S]*?)\n\}/g)) {
    const bodyText = (match[1] ?? '').replace(/\/\*\*[\s\S]*?\*\//g, '');
    const fields = [...bodyText.matchAll(/^\s+(\w+)\??:/gm)].map((field) => field[1] as string).sort();
    const type = /type: '([^']+)'/.exec(bodyText)?.[1];
    if (type) found.set(type, fields);
  }
  return found;
}

function ourFields(type: string): string[] {
  return Object.keys(sampleData(type)).sort();
}

describe('the event catalogue', () => {
  it('has exactly the types of the official SDK, each with the same fields', () => {
    const sdk = sdkInterfaces();
    expect(sdk.size).toBeGreaterThanOrEqual(44);
    expect([...EVENT_TYPES].sort()).toEqual([...sdk.keys()].sort());
    for (const [type, fields] of sdk) expect({ type, fields: ourFields(type) }).toEqual({ type, fields });
  });

  it('contains every type in the platform facts, with its extra required fields', () => {
    const facts = join(import.meta.dirname, '../../../../../../shared/facts/managed-agents-webhooks.md');
    if (!existsSync(facts)) {
      console.warn(`skipped: ${facts} is not beside this checkout`);
      return;
    }
    const text = readFileSync(facts, 'utf8');
    const table = text.slice(text.indexOf('| data.type |'), text.indexOf('The first 22 rows'));
    let count = 0;
    for (const row of table.split('\n').slice(2)) {
      const cells = row.split('|').map((cell) => cell.trim());
      if (cells.length < 4) continue;
      const extra = [...(cells[3] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1] as string);
      for (const type of (cells[1] ?? '').split(',').map((t) => t.trim())) {
        count++;
        expect(isEventType(type), type).toBe(true);
        for (const field of extra) expect(ourFields(type), type).toContain(field);
      }
    }
    expect(count).toBe(44);
  });

  it('names a known resource for every id and extra field', () => {
    for (const definition of Object.values(EVENT_CATALOGUE)) {
      expect(RESOURCES).toHaveProperty(definition.resource);
      for (const resource of Object.values('extra' in definition ? definition.extra : {})) {
        expect(RESOURCES).toHaveProperty(resource);
      }
    }
  });

  it('does not treat Object.prototype names as event types', () => {
    expect(isEventType('constructor')).toBe(false);
    expect(isEventType('__proto__')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });
});
