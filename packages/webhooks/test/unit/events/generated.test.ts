import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without declarations
import { renderEventsDoc, renderJsonSchema, renderSdkNames } from '../../../scripts/generate.mjs';
import { EVENT_CATALOGUE, RESOURCES, WEBHOOK_EVENT_JSON_SCHEMA } from '../../../src/index.js';

// The generated files are derived from the catalogue; a stale one means `npm run generate` was forgotten.
describe('generated files', () => {
  it('src/events/sdk-names.generated.ts matches the catalogue', () => {
    const onDisk = readFileSync(new URL('../../../src/events/sdk-names.generated.ts', import.meta.url), 'utf8');
    expect(onDisk, 'stale: run `npm run generate`').toBe(renderSdkNames(EVENT_CATALOGUE));
  });

  it('schema/webhook-event.schema.json matches the catalogue', () => {
    const onDisk = readFileSync(new URL('../../../schema/webhook-event.schema.json', import.meta.url), 'utf8');
    expect(onDisk, 'stale: run `npm run generate`').toBe(renderJsonSchema(WEBHOOK_EVENT_JSON_SCHEMA));
  });

  it('docs/events.md matches the catalogue', () => {
    const onDisk = readFileSync(new URL('../../../../../docs/events.md', import.meta.url), 'utf8');
    expect(onDisk, 'stale: run `npm run generate`').toBe(renderEventsDoc(EVENT_CATALOGUE, RESOURCES));
  });
});
