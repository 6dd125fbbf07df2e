import { resourceId } from '@hookline/webhooks/testing';
import type { Random } from './random.js';

/** One state change: the event type, its `data` ids, and the seconds since the previous step. */
export interface Step {
  type: string;
  /** `data.id` and any extra ids (`session_thread_id`, `vault_id`). */
  data: Record<string, string>;
  gap: number;
}

type Builder = (random: Random) => Step[];

// Gaps are plausible durations (a run takes seconds to a minute, a user answers in a minute);
// the platform publishes none, they only make created_at and arrival interleaving realistic.
const RUN = [3, 45] as const;
const THINK = [10, 120] as const;

function session(random: Random) {
  const id = resourceId('session', random.ids);
  const steps: Step[] = [];
  const add = (type: string, gap: readonly [number, number], extra: Record<string, string> = {}) => {
    steps.push({
      type: `session.${type}`,
      data: { id, ...extra },
      gap: steps.length === 0 ? 0 : random.between(...gap),
    });
  };
  return { id, steps, add };
}

// Lifecycle 1, the tail every session may share: archive surfaces as status_terminated, delete is final.
function maybeEnd(random: Random, add: ReturnType<typeof session>['add']): void {
  if (!random.chance(0.5)) return;
  add('status_terminated', THINK);
  if (random.chance(0.4)) add('deleted', [5, 60]);
}

const simpleTurn: Builder = (random) => {
  const { steps, add } = session(random);
  const turns = random.int(1, 3);
  for (let turn = 0; turn < turns; turn++) {
    add('status_run_started', THINK);
    if (random.chance(0.3)) add('updated', [1, 10]);
    add('status_idled', RUN);
  }
  maybeEnd(random, add);
  return steps;
};

// 2: the session goes idle requiring action (a tool confirmation), then runs again.
const toolApproval: Builder = (random) => {
  const { steps, add } = session(random);
  add('status_run_started', THINK);
  add('status_idled', RUN);
  add('status_run_started', [5, 90]);
  add('status_idled', RUN);
  maybeEnd(random, add);
  return steps;
};

// 3: a transient error reschedules the run; an unrecoverable one terminates the session.
const transientError: Builder = (random) => {
  const { steps, add } = session(random);
  add('status_run_started', THINK);
  if (random.chance(0.2)) {
    add('status_terminated', RUN);
    return steps;
  }
  add('status_rescheduled', RUN);
  add('status_run_started', [2, 30]);
  add('status_idled', RUN);
  maybeEnd(random, add);
  return steps;
};

// 4: thread events carry the session in data.id and the thread in session_thread_id.
const multiAgent: Builder = (random) => {
  const { steps, add } = session(random);
  const threads = [resourceId('session_thread', random.ids), resourceId('session_thread', random.ids)];
  add('status_run_started', THINK);
  for (const thread of threads) add('thread_created', [1, 8], { session_thread_id: thread });
  for (const thread of threads) add('thread_idled', [5, 40], { session_thread_id: thread });
  add('status_idled', [1, 10]);
  maybeEnd(random, add);
  return steps;
};

// 5: one outcome_evaluation_ended per iteration.
const outcome: Builder = (random) => {
  const { steps, add } = session(random);
  add('status_run_started', THINK);
  const iterations = random.int(2, 3);
  for (let iteration = 0; iteration < iterations; iteration++) add('outcome_evaluation_ended', [10, 40]);
  add('status_idled', [1, 10]);
  maybeEnd(random, add);
  return steps;
};

// 6: budget_reached once per budget value crossed.
const budget: Builder = (random) => {
  const { steps, add } = session(random);
  add('status_run_started', THINK);
  const values = random.int(1, 2);
  for (let value = 0; value < values; value++) add('budget_reached', RUN);
  add('status_idled', [1, 10]);
  maybeEnd(random, add);
  return steps;
};

// 7: credentials belong to a vault; archiving or deleting the vault cascades to each credential.
const vault: Builder = (random) => {
  const vaultId = resourceId('vault', random.ids);
  const credentials = Array.from({ length: random.int(1, 3) }, () => resourceId('vault_credential', random.ids));
  const steps: Step[] = [{ type: 'vault.created', data: { id: vaultId }, gap: 0 }];
  for (const credential of credentials) {
    steps.push({
      type: 'vault_credential.created',
      data: { id: credential, vault_id: vaultId },
      gap: random.between(1, 20),
    });
  }
  steps.push({
    type: 'vault_credential.refresh_failed',
    data: { id: random.pick(credentials), vault_id: vaultId },
    gap: random.between(30, 300),
  });
  const end = random.pick(['keep', 'archived', 'deleted'] as const);
  if (end !== 'keep') {
    steps.push({ type: `vault.${end}`, data: { id: vaultId }, gap: random.between(30, 300) });
    for (const credential of credentials) {
      steps.push({
        type: `vault_credential.${end}`,
        data: { id: credential, vault_id: vaultId },
        gap: random.between(0, 2),
      });
    }
  }
  return steps;
};

// 8: a scheduled run; a failure may pause the deployment; then the run's session events.
const scheduledDeployment: Builder = (random) => {
  const run = resourceId('deployment_run', random.ids);
  const steps: Step[] = [{ type: 'deployment_run.started', data: { id: run }, gap: 0 }];
  if (random.chance(0.25)) {
    steps.push({ type: 'deployment_run.failed', data: { id: run }, gap: random.between(5, 60) });
    if (random.chance(0.5))
      steps.push({
        type: 'deployment.paused',
        data: { id: resourceId('deployment', random.ids) },
        gap: random.between(0, 2),
      });
    return steps;
  }
  steps.push({ type: 'deployment_run.succeeded', data: { id: run }, gap: random.between(5, 60) });
  const { steps: sessionSteps, add } = session(random);
  add('status_run_started', [0, 2]);
  add('status_idled', RUN);
  sessionSteps[0]!.gap = random.between(0, 2);
  steps.push(...sessionSteps);
  return steps;
};

/** The lifecycles of the facts file, by the name `--scenario` takes. */
export const SCENARIOS: Readonly<Record<string, Builder>> = {
  'simple-turn': simpleTurn,
  'tool-approval': toolApproval,
  'transient-error': transientError,
  'multi-agent': multiAgent,
  outcome,
  budget,
  vault,
  'scheduled-deployment': scheduledDeployment,
};

/** Every scenario name. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS);
