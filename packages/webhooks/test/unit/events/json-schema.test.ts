import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, validateEvent, WEBHOOK_EVENT_JSON_SCHEMA } from '../../../src/index.js';
import { sampleData } from '../../../src/testing/index.js';

// The JSON Schema and the runtime validator come from one table; an independent JSON Schema
// implementation (Ajv) must reach the same verdict as the validator on every payload.
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addFormat('date-time', true);
const validate = ajv.compile(WEBHOOK_EVENT_JSON_SCHEMA);

function validatorAccepts(value: unknown): boolean {
  try {
    validateEvent(value);
    return true;
  } catch {
    return false;
  }
}

const eventArb = fc.constantFrom(...EVENT_TYPES).map((type) => ({
  id: 'whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  created_at: '2026-03-15T10:00:00Z',
  data: sampleData(type),
  type: 'event',
}));

const mutationArb = fc.record({
  field: fc.constantFrom(
    'id',
    'organization_id',
    'workspace_id',
    'vault_id',
    'session_thread_id',
    'enforcement_action_id',
    'type',
    'extra',
  ),
  value: fc.oneof(fc.constant(undefined), fc.integer(), fc.string(), fc.constant(null), fc.constant('session.paused')),
});

describe('WEBHOOK_EVENT_JSON_SCHEMA', () => {
  it('is a draft 2020-12 schema that Ajv compiles in strict mode', () => {
    expect(WEBHOOK_EVENT_JSON_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('accepts every known type', () => {
    for (const type of EVENT_TYPES) {
      const event = { id: 'whe_1', created_at: '2026-03-15T10:00:00Z', data: sampleData(type), type: 'event' };
      expect(validate(event), `${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('agrees with the runtime validator on mutated events', () => {
    fc.assert(
      fc.property(eventArb, mutationArb, (event, { field, value }) => {
        const data: Record<string, unknown> = { ...event.data };
        if (value === undefined) delete data[field];
        else data[field] = value;
        const mutated = { ...event, data };
        expect(validate(mutated)).toBe(validatorAccepts(mutated));
      }),
      { numRuns: 500 },
    );
  });
});
