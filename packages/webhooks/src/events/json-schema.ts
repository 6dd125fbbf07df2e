import { EVENT_CATALOGUE, type EventDefinition, RESOURCES } from './catalogue.js';

type JsonSchema = { readonly [keyword: string]: unknown };

const stringField = (description: string): JsonSchema => ({ type: 'string', description });

function dataSchema(type: string, definition: EventDefinition): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    type: { const: type },
    id: stringField(`ID of the ${RESOURCES[definition.resource].label} that triggered the event.`),
    organization_id: stringField('ID of the organization.'),
  };
  const required = ['type', 'id', 'organization_id'];
  if (definition.workspace !== false) {
    properties.workspace_id = stringField('ID of the workspace.');
    required.push('workspace_id');
  }
  for (const [field, resource] of Object.entries(definition.extra ?? {})) {
    properties[field] = stringField(`ID of the ${RESOURCES[resource].label} this event refers to.`);
    required.push(field);
  }
  return { type: 'object', description: definition.summary, properties, required };
}

function buildSchema(): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  const dispatch: JsonSchema[] = [];
  for (const [type, definition] of Object.entries(EVENT_CATALOGUE) as [string, EventDefinition][]) {
    definitions[type] = dataSchema(type, definition);
    dispatch.push({
      if: { properties: { type: { const: type } }, required: ['type'] },
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
      then: { $ref: `#/$defs/${encodeURIComponent(type)}` },
    });
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://hookline.dev/schemas/managed-agents-webhook-event.json',
    title: 'Claude Managed Agents webhook event',
    description:
      'The envelope of every webhook event. Types not listed in $defs are valid: the platform adds types without notice.',
    type: 'object',
    required: ['id', 'created_at', 'data', 'type'],
    properties: {
      id: stringField('Unique event id, equal to the webhook-id header; the idempotency key.'),
      created_at: { type: 'string', format: 'date-time', description: 'When the state change happened (RFC 3339).' },
      type: { const: 'event' },
      data: {
        type: 'object',
        required: ['type', 'id', 'organization_id'],
        properties: {
          type: { type: 'string' },
          id: { type: 'string' },
          organization_id: { type: 'string' },
          workspace_id: { type: 'string' },
        },
        allOf: dispatch,
      },
    },
    $defs: definitions,
  };
}

/**
 * A JSON Schema (draft 2020-12) for the event envelope and every known `data.type`, built from
 * the catalogue. Unknown types validate against the envelope contract alone.
 */
export const WEBHOOK_EVENT_JSON_SCHEMA: JsonSchema = buildSchema();
