/**
 * The event catalogue: the single source of truth for every `data.type` the platform sends.
 *
 * Types, the runtime list, the validator, the JSON Schema and the SDK-named aliases are all
 * derived from this table. To add a type the platform has started sending, add one row here
 * and run `npm run generate` (CI fails while the generated files are stale).
 */

/** Kinds of resource an id in an event can name, with the id prefix the platform uses. */
export const RESOURCES = {
  session: { prefix: 'sesn', label: 'session' },
  session_thread: { prefix: 'sthr', label: 'session thread' },
  vault: { prefix: 'vlt', label: 'vault' },
  vault_credential: { prefix: 'vcrd', label: 'vault credential' },
  organization: { prefix: 'org', label: 'organization' },
  workspace: { prefix: 'wrkspc', label: 'workspace' },
  agent: { prefix: 'agent', label: 'agent' },
  environment: { prefix: 'env', label: 'environment' },
  deployment: { prefix: 'depl', label: 'deployment' },
  // The prefixes below are not shown in the platform docs we have; they only shape test ids.
  deployment_run: { prefix: 'drun', label: 'deployment run' },
  memory_store: { prefix: 'memstr', label: 'memory store' },
  user_profile: { prefix: 'uprof', label: 'user profile' },
  // These two are named in the official SDK's field comments.
  enforcement_action: { prefix: 'enac', label: 'enforcement action' },
  external_key: { prefix: 'ekey', label: 'external key' },
  external_storage: { prefix: 'estrg', label: 'external storage' },
} as const;

/** A resource kind from {@link RESOURCES}. */
export type ResourceKind = keyof typeof RESOURCES;

/** One row of the catalogue. */
export interface EventDefinition {
  /** What `data.id` names. */
  readonly resource: ResourceKind;
  /** Extra required string fields of `data`, each naming a resource. */
  readonly extra?: { readonly [field: string]: ResourceKind };
  /** `false` for organization-level events, which carry no `workspace_id`. */
  readonly workspace?: false;
  /** One line for `hookline events` and the docs. */
  readonly summary: string;
}

const thread = { session_thread_id: 'session_thread' } as const;
const inVault = { vault_id: 'vault' } as const;

export const EVENT_CATALOGUE = {
  // The original specification (22 types).
  'session.created': { resource: 'session', summary: 'A session was created.' },
  'session.pending': { resource: 'session', summary: 'A session is waiting to start.' },
  'session.running': { resource: 'session', summary: 'A session started running.' },
  'session.idled': { resource: 'session', summary: 'A session went idle.' },
  'session.requires_action': {
    resource: 'session',
    summary: 'A session is waiting for an action, such as a tool confirmation.',
  },
  'session.archived': { resource: 'session', summary: 'A session was archived.' },
  'session.deleted': { resource: 'session', summary: 'A session was deleted (final).' },
  'session.status_rescheduled': {
    resource: 'session',
    summary: 'A run hit a transient error and was rescheduled.',
  },
  'session.status_run_started': { resource: 'session', summary: 'A session run started.' },
  'session.status_idled': {
    resource: 'session',
    summary: 'A session finished its run and is idle (possibly requiring action).',
  },
  'session.status_terminated': {
    resource: 'session',
    summary: 'A session terminated (archived or an unrecoverable error).',
  },
  'session.thread_created': {
    resource: 'session',
    extra: thread,
    summary: 'A session thread (sub-agent) was created.',
  },
  'session.thread_idled': { resource: 'session', extra: thread, summary: 'A session thread went idle.' },
  'session.thread_terminated': {
    resource: 'session',
    extra: thread,
    summary: 'A session thread terminated.',
  },
  'session.outcome_evaluation_ended': {
    resource: 'session',
    summary: 'One outcome evaluation iteration ended.',
  },
  'vault.created': { resource: 'vault', summary: 'A vault was created.' },
  'vault.archived': { resource: 'vault', summary: 'A vault was archived.' },
  'vault.deleted': { resource: 'vault', summary: 'A vault was deleted.' },
  'vault_credential.created': {
    resource: 'vault_credential',
    extra: inVault,
    summary: 'A credential was added to a vault.',
  },
  'vault_credential.archived': {
    resource: 'vault_credential',
    extra: inVault,
    summary: 'A vault credential was archived.',
  },
  'vault_credential.deleted': {
    resource: 'vault_credential',
    extra: inVault,
    summary: 'A vault credential was deleted.',
  },
  'vault_credential.refresh_failed': {
    resource: 'vault_credential',
    extra: inVault,
    summary: 'Refreshing an OAuth vault credential failed.',
  },
  // Added to the SDKs between June and August 2026 (22 types).
  'session.updated': { resource: 'session', summary: 'A session was updated.' },
  'session.budget_reached': { resource: 'session', summary: 'A session reached a budget value.' },
  'agent.created': { resource: 'agent', summary: 'An agent was created.' },
  'agent.updated': { resource: 'agent', summary: 'An agent was updated.' },
  'agent.archived': { resource: 'agent', summary: 'An agent was archived.' },
  'agent.deleted': { resource: 'agent', summary: 'An agent was deleted.' },
  'deployment.created': { resource: 'deployment', summary: 'A deployment was created.' },
  'deployment.updated': { resource: 'deployment', summary: 'A deployment was updated.' },
  'deployment.paused': { resource: 'deployment', summary: 'A deployment was paused.' },
  'deployment.unpaused': { resource: 'deployment', summary: 'A deployment was unpaused.' },
  'deployment.archived': { resource: 'deployment', summary: 'A deployment was archived.' },
  'deployment.deleted': { resource: 'deployment', summary: 'A deployment was deleted.' },
  'deployment_run.started': { resource: 'deployment_run', summary: 'A scheduled deployment run started.' },
  'deployment_run.succeeded': { resource: 'deployment_run', summary: 'A deployment run succeeded.' },
  'deployment_run.failed': { resource: 'deployment_run', summary: 'A deployment run failed.' },
  'environment.created': { resource: 'environment', summary: 'An environment was created.' },
  'environment.updated': { resource: 'environment', summary: 'An environment was updated.' },
  'environment.archived': { resource: 'environment', summary: 'An environment was archived.' },
  'environment.deleted': { resource: 'environment', summary: 'An environment was deleted.' },
  'memory_store.created': { resource: 'memory_store', summary: 'A memory store was created.' },
  'memory_store.archived': { resource: 'memory_store', summary: 'A memory store was archived.' },
  'memory_store.deleted': { resource: 'memory_store', summary: 'A memory store was deleted.' },
  // In the official TypeScript SDK since 1.14 (Nov 2026). Organization-level: no workspace_id.
  'user_profile.enforcement_action_opened': {
    resource: 'user_profile',
    extra: { enforcement_action_id: 'enforcement_action' },
    workspace: false,
    summary: 'An enforcement action was opened on a user profile.',
  },
  'user_profile.enforcement_action_resolved': {
    resource: 'user_profile',
    extra: { enforcement_action_id: 'enforcement_action' },
    workspace: false,
    summary: 'An enforcement action on a user profile was resolved.',
  },
  'user_profile.program_status_updated': {
    resource: 'user_profile',
    workspace: false,
    summary: "A user profile's program status changed.",
  },
  'external_key.failed': {
    resource: 'external_key',
    workspace: false,
    summary: 'An external (customer-managed) key stopped working.',
  },
  'external_key.recovered': {
    resource: 'external_key',
    workspace: false,
    summary: 'An external key works again.',
  },
  'external_storage.failed': {
    resource: 'external_storage',
    workspace: false,
    summary: "An external storage bucket failed the platform's check.",
  },
  'external_storage.recovered': {
    resource: 'external_storage',
    workspace: false,
    summary: "An external storage bucket passes the platform's check again.",
  },
} as const satisfies Record<string, EventDefinition>;
