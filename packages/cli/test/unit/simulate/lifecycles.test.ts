import { EVENT_TYPES } from '@hookline/webhooks';
import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES, SCENARIOS, type Step } from '../../../src/simulate/lifecycles.js';
import { Random } from '../../../src/simulate/random.js';

const SEEDS = Array.from({ length: 40 }, (_, index) => `seed-${index}`);
const types = (steps: Step[]) => steps.map((step) => step.type);
const forEachRun = (scenario: string, check: (steps: Step[]) => void) => {
  for (const seed of SEEDS) check(SCENARIOS[scenario]!(new Random(seed)));
};

describe('lifecycles', () => {
  it('has the eight lifecycles of the facts file, emitting only catalogue types', () => {
    expect(SCENARIO_NAMES).toEqual([
      'simple-turn',
      'tool-approval',
      'transient-error',
      'multi-agent',
      'outcome',
      'budget',
      'vault',
      'scheduled-deployment',
    ]);
    for (const scenario of SCENARIO_NAMES) {
      forEachRun(scenario, (steps) => {
        for (const step of steps) expect(EVENT_TYPES).toContain(step.type);
        expect(steps[0]!.gap).toBe(0);
        for (const step of steps) expect(step.gap).toBeGreaterThanOrEqual(0);
      });
    }
  });

  it('simple turn: run_started → idled per turn; terminated only after idle; deleted is final', () => {
    forEachRun('simple-turn', (steps) => {
      const core = types(steps).filter((type) => type !== 'session.updated');
      const end = core.indexOf('session.status_terminated');
      const turns = end < 0 ? core : core.slice(0, end);
      for (let index = 0; index < turns.length; index += 2) {
        expect(turns.slice(index, index + 2)).toEqual(['session.status_run_started', 'session.status_idled']);
      }
      if (core.includes('session.deleted')) expect(core.at(-1)).toBe('session.deleted');
      expect(new Set(steps.map((step) => step.data.id)).size).toBe(1);
    });
  });

  it('tool approval: started, idled (requires action), started, idled', () => {
    forEachRun('tool-approval', (steps) => {
      expect(types(steps).slice(0, 4)).toEqual([
        'session.status_run_started',
        'session.status_idled',
        'session.status_run_started',
        'session.status_idled',
      ]);
    });
  });

  it('transient error: rescheduled then run again, or terminated', () => {
    const seen = new Set<string>();
    forEachRun('transient-error', (steps) => {
      const sequence = types(steps);
      seen.add(sequence[1]!);
      if (sequence[1] === 'session.status_rescheduled') {
        expect(sequence.slice(0, 4)).toEqual([
          'session.status_run_started',
          'session.status_rescheduled',
          'session.status_run_started',
          'session.status_idled',
        ]);
      } else {
        expect(sequence).toEqual(['session.status_run_started', 'session.status_terminated']);
      }
    });
    expect(seen).toEqual(new Set(['session.status_rescheduled', 'session.status_terminated']));
  });

  it('multi-agent: two threads created then idled, with the session in data.id', () => {
    forEachRun('multi-agent', (steps) => {
      expect(types(steps).slice(0, 6)).toEqual([
        'session.status_run_started',
        'session.thread_created',
        'session.thread_created',
        'session.thread_idled',
        'session.thread_idled',
        'session.status_idled',
      ]);
      const threads = steps.slice(1, 5);
      expect(threads.every((step) => step.data.id === steps[0]!.data.id)).toBe(true);
      expect(threads.map((step) => step.data.session_thread_id)).toEqual([
        threads[0]!.data.session_thread_id,
        threads[1]!.data.session_thread_id,
        threads[0]!.data.session_thread_id,
        threads[1]!.data.session_thread_id,
      ]);
      expect(threads[0]!.data.session_thread_id).toMatch(/^sthr_011C/);
      expect(threads[0]!.data.session_thread_id).not.toBe(threads[1]!.data.session_thread_id);
    });
  });

  it('outcome and budget: repeated middle events between started and idled', () => {
    forEachRun('outcome', (steps) => {
      const sequence = types(steps);
      const idle = sequence.indexOf('session.status_idled');
      expect(sequence[0]).toBe('session.status_run_started');
      expect(idle).toBeGreaterThanOrEqual(3);
      expect(new Set(sequence.slice(1, idle))).toEqual(new Set(['session.outcome_evaluation_ended']));
    });
    forEachRun('budget', (steps) => {
      const sequence = types(steps);
      const idle = sequence.indexOf('session.status_idled');
      expect(new Set(sequence.slice(1, idle))).toEqual(new Set(['session.budget_reached']));
    });
  });

  it('vault: credentials carry their vault, and archiving or deleting cascades to each credential', () => {
    forEachRun('vault', (steps) => {
      const vault = steps[0]!;
      expect(vault.type).toBe('vault.created');
      const credentials = steps.filter((step) => step.type === 'vault_credential.created').map((step) => step.data.id);
      expect(credentials.length).toBeGreaterThanOrEqual(1);
      for (const step of steps.slice(1)) {
        if (step.type.startsWith('vault_credential.')) expect(step.data.vault_id).toBe(vault.data.id);
      }
      const refresh = steps.find((step) => step.type === 'vault_credential.refresh_failed');
      expect(credentials).toContain(refresh?.data.id);
      for (const end of ['archived', 'deleted']) {
        if (steps.some((step) => step.type === `vault.${end}`)) {
          const cascaded = steps.filter((step) => step.type === `vault_credential.${end}`).map((step) => step.data.id);
          expect(cascaded.sort()).toEqual([...credentials].sort());
        }
      }
    });
  });

  it('scheduled deployment: started, then succeeded with the run session, or failed', () => {
    forEachRun('scheduled-deployment', (steps) => {
      const sequence = types(steps);
      expect(sequence[0]).toBe('deployment_run.started');
      expect(steps[1]!.data.id).toBe(steps[0]!.data.id);
      expect(steps[0]!.data.id).toMatch(/^drun_011C/);
      if (sequence[1] === 'deployment_run.succeeded') {
        expect(sequence.slice(2)).toEqual(['session.status_run_started', 'session.status_idled']);
      } else {
        expect(sequence[1]).toBe('deployment_run.failed');
        expect(sequence.slice(2).every((type) => type === 'deployment.paused')).toBe(true);
      }
    });
  });
});
