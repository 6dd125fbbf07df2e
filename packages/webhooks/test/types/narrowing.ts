// Type tests: compiled (never run) by `npm run typecheck` and by test/integration/compile.test.ts.
// Each @ts-expect-error must be needed: an unused one is itself a compile error.
import type {
  BetaWebhookEvent,
  BetaWebhookSessionStatusIdledEventData,
  BetaWebhookVaultCredentialCreatedEventData,
  EventOf,
  KnownWebhookEvent,
  TypesMatching,
  UnwrapWebhookEvent,
  WebhookEvent,
} from '@hookline/webhooks';
import { isKnownEvent, unwrap } from '@hookline/webhooks';

declare const event: WebhookEvent;

// Narrowing on data.type, with no casts.
if (event.data.type === 'vault_credential.created') {
  const vaultId: string = event.data.vault_id;
  const data: BetaWebhookVaultCredentialCreatedEventData = event.data;
  void [vaultId, data];
}
if (event.data.type === 'session.created') {
  // @ts-expect-error a session.created event has no vault_id
  void event.data.vault_id;
  const workspace: string = event.data.workspace_id;
  void workspace;
}
if (event.data.type === 'session.thread_idled') {
  const thread: string = event.data.session_thread_id;
  void thread;
}
if (event.data.type === 'external_key.failed') {
  // @ts-expect-error organization-level events carry no workspace_id
  const workspace: string = event.data.workspace_id;
  void workspace;
}

// A switch over known types compiles, and the default arm still sees unknown events.
function describe(e: WebhookEvent): string {
  switch (e.data.type) {
    case 'session.status_idled':
      return `idle ${e.data.id}`;
    case 'vault_credential.refresh_failed':
      return `refresh failed ${e.data.vault_id}`;
    default:
      return String(e.data.type);
  }
}
void describe;

// The envelope keeps every base field on every arm, known or not.
const id: string = event.id;
const resource: string = event.data.id;
const org: string = event.data.organization_id;
void [id, resource, org];

// isKnownEvent narrows to the SDK's envelope type, so SDK-typed functions accept it.
function handleSdkEvent(e: BetaWebhookEvent): void {
  void e;
}
// @ts-expect-error an unknown event is not a BetaWebhookEvent
handleSdkEvent(event);
if (isKnownEvent(event)) handleSdkEvent(event);
const strict: UnwrapWebhookEvent = unwrap('', { headers: {}, unknownEvents: 'reject' });
void strict;

// Per-type helpers.
const idled: EventOf<'session.status_idled'> = {
  id: 'whe_1',
  created_at: '2026-01-01T00:00:00Z',
  type: 'event',
  data: { id: 'sesn_1', organization_id: 'org_1', workspace_id: 'wrkspc_1', type: 'session.status_idled' },
};
const sdkData: BetaWebhookSessionStatusIdledEventData = idled.data;
void sdkData;
const wrong: EventOf<'session.status_idled'> = {
  ...idled,
  // @ts-expect-error the data type must match
  data: { ...idled.data, type: 'session.created' },
};
void wrong;

// Patterns select families of types.
const sessionTypes: TypesMatching<'session.*'>[] = ['session.created', 'session.thread_idled'];
// @ts-expect-error vault.created is not a session.* type
const notSession: TypesMatching<'session.*'> = 'vault.created';
void [sessionTypes, notSession];

// Known events are assignable to WebhookEvent.
declare const known: KnownWebhookEvent;
const widened: WebhookEvent = known;
void widened;

import { knownWebhookEventSchema, webhookEventSchema } from '@hookline/webhooks';
// The Standard Schema objects satisfy the specification's own interface.
import type { StandardSchemaV1 } from '@standard-schema/spec';

const standard: StandardSchemaV1<unknown, WebhookEvent> = webhookEventSchema;
const standardKnown: StandardSchemaV1<unknown, KnownWebhookEvent> = knownWebhookEventSchema;
void [standard, standardKnown];

// isKnownEvent narrows both ways: fields of a type newer than the catalogue are readable.
declare const incoming: WebhookEvent;
if (!isKnownEvent(incoming)) {
  const extra: unknown = incoming.data.some_new_field;
  void extra;
} else {
  // @ts-expect-error known events have no arbitrary fields
  void incoming.data.some_new_field;
}
