import type { KnownWebhookEvent, WebhookEvent } from './types.js';
import { findPayloadIssue, type UnknownEventsPolicy } from './validate.js';

/** The Standard Schema v1 interface (https://standardschema.dev), copied as its spec asks. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardSchemaResult<Output>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** The result of a Standard Schema validation. */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey> }>;
    };

function standardSchema<Output>(unknownEvents: UnknownEventsPolicy): StandardSchemaV1<unknown, Output> {
  return {
    '~standard': {
      version: 1,
      vendor: 'hookline',
      validate(value) {
        const found = findPayloadIssue(value, unknownEvents);
        if (!found) return { value: value as Output };
        const path = found.path === '' ? [] : found.path.split('.');
        return { issues: [{ message: `expected ${found.expected}, got ${found.received}`, path }] };
      },
    },
  };
}

/** The event schema as a Standard Schema: plugs into any library that accepts one. Unknown types pass. */
export const webhookEventSchema: StandardSchemaV1<unknown, WebhookEvent> = standardSchema('accept');

/** Like {@link webhookEventSchema}, but types the catalogue does not know are issues. */
export const knownWebhookEventSchema: StandardSchemaV1<unknown, KnownWebhookEvent> = standardSchema('reject');
