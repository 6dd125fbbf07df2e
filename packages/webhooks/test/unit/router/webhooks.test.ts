import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type DedupeStore,
  type EventOf,
  type Handler,
  isKnownEvent,
  MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
  type ReceiveResult,
  type TypesMatching,
  WebhookConfigError,
  type WebhookEvent,
  WebhookHandlerError,
  WebhookPayloadError,
  Webhooks,
  WebhookVerificationError,
} from '../../../src/index.js';
import { receiveNow } from '../../../src/router/receive-now.js';
import { createTestDelivery, generateSecret } from '../../../src/testing/index.js';

const key = generateSecret();
const quiet = { warn: () => undefined, error: () => undefined };

function delivery(type: string, options: { id?: string; data?: Record<string, unknown> } = {}) {
  const { body, headers, event } = createTestDelivery({ type, key, ...options });
  return { body, headers, event: event as unknown as WebhookEvent };
}

describe('Webhooks routing', () => {
  it('runs the handlers of the event type with the narrowed event, and onAny alongside', async () => {
    const webhooks = new Webhooks({ key, log: quiet });
    const seen: string[] = [];
    webhooks.on('vault_credential.refresh_failed', (event) => {
      expectTypeOf(event.data.vault_id).toEqualTypeOf<string>();
      seen.push(`typed:${event.data.vault_id}`);
    });
    webhooks.on('session.created', () => seen.push('wrong type'));
    webhooks.onAny((event) => seen.push(`any:${String(event.data.type)}`));
    const d = delivery('vault_credential.refresh_failed', { data: { vault_id: 'vlt_1' } });
    const result = await webhooks.verifyAndReceive(d);
    expect(result.status).toBe('processed');
    expect(seen.sort()).toEqual(['any:vault_credential.refresh_failed', 'typed:vlt_1']);
  });

  it('matches lists and resource wildcards, and a wildcard handler runs once per event', async () => {
    const webhooks = new Webhooks({ key, dedupe: false });
    const seen: string[] = [];
    webhooks.on('session.*', (event) => {
      expectTypeOf(event.data.type).toEqualTypeOf<TypesMatching<'session.*'>>();
      seen.push(`session:${event.data.type}`);
    });
    webhooks.on(['vault.created', 'vault.deleted'], (event) => {
      expectTypeOf(event.data.type).toEqualTypeOf<'vault.created' | 'vault.deleted'>();
      seen.push(`vault:${event.data.type}`);
    });
    for (const type of ['session.thread_created', 'vault.deleted', 'vault.archived']) {
      await webhooks.verifyAndReceive(delivery(type));
    }
    expect(seen).toEqual(['session:session.thread_created', 'vault:vault.deleted']);
  });

  it('sends events without a handler, and unknown types, to onUnhandled; onAny does not count as handled', async () => {
    const webhooks = new Webhooks({ key, dedupe: false });
    const unhandled: Array<[string, boolean]> = [];
    webhooks.on('session.created', () => undefined);
    webhooks.onAny(() => undefined);
    webhooks.onUnhandled((event) => unhandled.push([String(event.data.type), isKnownEvent(event)]));
    await webhooks.verifyAndReceive(delivery('session.created'));
    await webhooks.verifyAndReceive(delivery('vault.created'));
    await webhooks.verifyAndReceive(delivery('widget.exploded'));
    expect(unhandled).toEqual([
      ['vault.created', true],
      ['widget.exploded', false],
    ]);
  });

  it('rejects patterns that match no known type, naming onUnhandled as the way for new types', () => {
    const webhooks = new Webhooks({ key });
    // @ts-expect-error a typo is a type error too
    expect(() => webhooks.on('session.craeted', () => undefined)).toThrow(WebhookConfigError);
    // @ts-expect-error no such resource
    expect(() => webhooks.on('widget.*', () => undefined)).toThrow(/onUnhandled/);
  });

  it('removeListener removes a handler from given types or from everywhere', async () => {
    const webhooks = new Webhooks({ key, dedupe: false });
    let runs = 0;
    const handler = () => {
      runs++;
    };
    webhooks.on(['session.created', 'session.deleted'], handler);
    webhooks.onAny(handler);
    webhooks.removeListener('session.created', handler);
    await webhooks.verifyAndReceive(delivery('session.created'));
    expect(runs).toBe(1); // onAny only
    webhooks.removeListener(handler);
    await webhooks.verifyAndReceive(delivery('session.deleted'));
    expect(runs).toBe(1);
  });

  it('runs matching handlers concurrently and reports every failure in one WebhookHandlerError', async () => {
    const webhooks = new Webhooks({ key, dedupe: false });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finished: string[] = [];
    // The first handler waits for the second to start: this only completes if they run concurrently.
    webhooks.on('session.created', async () => {
      await gate;
      finished.push('slow');
      throw new Error('first failure');
    });
    webhooks.on('session.created', () => {
      release();
      finished.push('fast');
    });
    webhooks.onAny(() => {
      throw new Error('second failure');
    });
    const errors: unknown[] = [];
    webhooks.onError((error, context) => {
      errors.push(error);
      expect(context.event?.data.type).toBe('session.created');
    });
    const d = delivery('session.created');
    const failure = await webhooks.verifyAndReceive(d).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WebhookHandlerError);
    expect(failure).toBeInstanceOf(AggregateError);
    const handlerError = failure as WebhookHandlerError;
    expect(handlerError.code).toBe('handler_failed');
    expect(handlerError.event.id).toBe(d.event.id);
    expect(handlerError.errors.map((e) => (e as Error).message).sort()).toEqual(['first failure', 'second failure']);
    expect(finished.sort()).toEqual(['fast', 'slow']);
    expect(errors).toEqual([failure]);
  });

  it('onError sees verification and payload failures, and the call still throws them', async () => {
    const webhooks = new Webhooks({ key, unknownEvents: 'reject' });
    const codes: string[] = [];
    webhooks.onError((error) => {
      codes.push((error as WebhookVerificationError).code);
    });
    const d = delivery('session.created');
    await expect(webhooks.verifyAndReceive({ body: `${d.body} `, headers: d.headers })).rejects.toThrow(
      WebhookVerificationError,
    );
    await expect(webhooks.verifyAndReceive(delivery('widget.exploded'))).rejects.toThrow(WebhookPayloadError);
    expect(codes).toEqual(['no_matching_signature', 'unknown_event_type']);
  });

  it('a throwing error handler is logged, not thrown over the delivery error', async () => {
    const logged: string[] = [];
    const webhooks = new Webhooks({ key, log: { error: (message) => logged.push(message) } });
    webhooks.onError(() => {
      throw new Error('error handler broke');
    });
    const d = delivery('session.created');
    await expect(webhooks.verifyAndReceive({ body: d.body, headers: {} })).rejects.toThrow('Missing required headers');
    expect(logged.join('\n')).toContain('error handler broke');
  });

  it('without onError, failures go to the logger: bad deliveries as warnings, handler failures as errors', async () => {
    const warnings: string[] = [];
    const errors: string[] = [];
    const webhooks = new Webhooks({
      key,
      log: { warn: (message) => warnings.push(message), error: (message) => errors.push(message) },
    });
    webhooks.on('session.created', () => {
      throw new Error('boom');
    });
    const d = delivery('session.created');
    await expect(webhooks.verifyAndReceive({ body: d.body, headers: {} })).rejects.toThrow();
    await expect(webhooks.verifyAndReceive(d)).rejects.toThrow(WebhookHandlerError);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('missing_headers');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('boom');
  });

  it('fails at construction on a malformed key, and on the first delivery when there is no key at all', async () => {
    expect(() => new Webhooks({ key: 'whsec_%%%' })).toThrow(WebhookConfigError);
    const saved = process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
    delete process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
    try {
      const webhooks = new Webhooks({ log: quiet });
      await expect(webhooks.verifyAndReceive(delivery('session.created'))).rejects.toMatchObject({
        code: 'missing_key',
      });
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = saved;
    }
  });

  it('accepts any key of a rotation list', async () => {
    const next = generateSecret();
    const webhooks = new Webhooks({ key: [next, key], dedupe: false });
    expect((await webhooks.verifyAndReceive(delivery('session.created'))).status).toBe('processed');
  });
});

describe('Webhooks.receive (events verified elsewhere)', () => {
  it('dispatches without verifying, but still validates the event', async () => {
    const webhooks = new Webhooks({ key, log: quiet });
    const seen: string[] = [];
    webhooks.on('session.deleted', (event) => seen.push(event.data.id));
    const { event } = delivery('session.deleted', { data: { id: 'sesn_x' } });
    await webhooks.receive(event);
    expect(seen).toEqual(['sesn_x']);
    const broken = { ...event, data: { ...event.data, organization_id: 7 } } as unknown as typeof event;
    await expect(webhooks.receive(broken)).rejects.toThrow(WebhookPayloadError);
  });
});

/** An in-memory store without the synchronous methods, so every path takes the asynchronous route. */
class AsyncOnlyStore implements DedupeStore {
  readonly #inner: MemoryDedupeStore;
  constructor(options: MemoryDedupeStoreOptions = {}) {
    this.#inner = new MemoryDedupeStore(options);
  }
  claim(id: string) {
    return this.#inner.claim(id);
  }
  complete(id: string, token: string) {
    return this.#inner.complete(id, token);
  }
  release(id: string, token: string) {
    return this.#inner.release(id, token);
  }
}

type Receive = (webhooks: Webhooks, d: ReturnType<typeof delivery>) => Promise<ReceiveResult>;

// The adapters enter through receiveNow (no promise hop with a synchronous store and handlers);
// users call verifyAndReceive. Both must behave the same, with either kind of store.
describe.each([
  { path: 'verifyAndReceive', store: 'memory', receive: ((w, d) => w.verifyAndReceive(d)) as Receive },
  { path: 'receiveNow', store: 'memory', receive: (async (w, d) => w[receiveNow](d)) as Receive },
  {
    path: 'receiveNow',
    store: 'async-only',
    receive: (async (w, d) => w[receiveNow](d)) as Receive,
    dedupe: (options?: MemoryDedupeStoreOptions) => new AsyncOnlyStore(options),
  },
])('Webhooks deduplication ($path, $store store)', ({ receive, dedupe }) => {
  const storeWith = (options?: MemoryDedupeStoreOptions) =>
    dedupe ? dedupe(options) : options ? new MemoryDedupeStore(options) : undefined;

  it('deduplicates by event id', async () => {
    const webhooks = new Webhooks({ key, dedupe: storeWith() });
    let runs = 0;
    webhooks.on('session.created', () => {
      runs++;
    });
    const d = delivery('session.created');
    // A retry is a new attempt: same id and body, new timestamp and signature.
    const retry = delivery('session.created', { id: d.event.id });
    expect((await receive(webhooks, d)).status).toBe('processed');
    expect((await receive(webhooks, retry)).status).toBe('duplicate');
    expect(runs).toBe(1);
    if (!dedupe) expect(webhooks.dedupe).toBeInstanceOf(MemoryDedupeStore);
  });

  it('a handler failure, thrown or rejected, releases the claim, so the retry runs the handlers again', async () => {
    const webhooks = new Webhooks({ key, log: quiet, dedupe: storeWith() });
    const reported: unknown[] = [];
    webhooks.onError((error) => {
      reported.push(error);
    });
    let syncRuns = 0;
    webhooks.on('session.created', () => {
      syncRuns++;
      if (syncRuns === 1) throw new Error('transient');
    });
    let asyncRuns = 0;
    webhooks.on('session.deleted', async () => {
      asyncRuns++;
      if (asyncRuns === 1) throw new Error('transient');
    });
    for (const type of ['session.created', 'session.deleted']) {
      const d = delivery(type);
      await expect(receive(webhooks, d)).rejects.toThrow(WebhookHandlerError);
      expect((await receive(webhooks, d)).status).toBe('processed');
      expect((await receive(webhooks, d)).status).toBe('duplicate');
    }
    expect([syncRuns, asyncRuns]).toEqual([2, 2]);
    expect(reported).toHaveLength(2);
    expect(reported.every((error) => error instanceof WebhookHandlerError)).toBe(true);
  });

  it('a verification failure is reported to onError and thrown, and claims nothing', async () => {
    const webhooks = new Webhooks({ key, log: quiet, dedupe: storeWith() });
    const reported: unknown[] = [];
    webhooks.onError((error) => {
      reported.push(error);
    });
    let runs = 0;
    webhooks.on('session.created', () => {
      runs++;
    });
    const d = delivery('session.created');
    const forged = { ...d, headers: { ...d.headers, 'webhook-signature': `v1,${'A'.repeat(43)}=` } };
    await expect(receive(webhooks, forged)).rejects.toThrow(WebhookVerificationError);
    expect(reported).toHaveLength(1);
    expect((await receive(webhooks, d)).status).toBe('processed');
    expect(runs).toBe(1);
  });

  it('a concurrent delivery of an id in progress does not run handlers, and says when to retry', async () => {
    const webhooks = new Webhooks({ key, dedupe: storeWith({ leaseSeconds: 30 }) });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    webhooks.on('session.created', async () => {
      runs++;
      await gate;
    });
    const d = delivery('session.created');
    const first = receive(webhooks, d);
    const others = await Promise.all(Array.from({ length: 49 }, () => receive(webhooks, d)));
    release();
    expect((await first).status).toBe('processed');
    expect(new Set(others.map((r) => r.status))).toEqual(new Set(['in_progress']));
    const retryAfter = others[0]?.status === 'in_progress' ? others[0].retryAfterMs : undefined;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30_000);
    expect(runs).toBe(1);
  });

  it('dedupe: false runs handlers for every delivery', async () => {
    const webhooks = new Webhooks({ key, dedupe: false });
    let runs = 0;
    webhooks.on('session.created', () => {
      runs++;
    });
    const d = delivery('session.created');
    await receive(webhooks, d);
    await receive(webhooks, d);
    expect(runs).toBe(2);
    expect(webhooks.dedupe).toBeUndefined();
  });
});

describe('the synchronous fast path', () => {
  it('answers without a promise when the store and every handler are synchronous', () => {
    const webhooks = new Webhooks({ key });
    webhooks.on('session.created', () => undefined);
    const d = delivery('session.created');
    const first = webhooks[receiveNow](d);
    expect(first).not.toBeInstanceOf(Promise);
    expect((first as ReceiveResult).status).toBe('processed');
    expect((webhooks[receiveNow](d) as ReceiveResult).status).toBe('duplicate');
  });

  it('waits for an asynchronous handler before completing the claim', async () => {
    const webhooks = new Webhooks({ key });
    let finish: () => void = () => undefined;
    webhooks.on('session.created', () => new Promise<void>((resolve) => (finish = resolve)));
    const d = delivery('session.created');
    const running = webhooks[receiveNow](d);
    expect(running).toBeInstanceOf(Promise);
    expect((webhooks[receiveNow](d) as ReceiveResult).status).toBe('in_progress');
    finish();
    expect((await running).status).toBe('processed');
    expect((webhooks[receiveNow](d) as ReceiveResult).status).toBe('duplicate');
  });
});

describe('handler types', () => {
  it('Handler<T> types a handler kept in its own file', () => {
    const onIdle: Handler<'session.status_idled'> = (event) => event.data.id;
    const onVault: Handler<'vault_credential.*'> = (event) => event.data.vault_id;
    expectTypeOf(onIdle).parameter(0).toEqualTypeOf<EventOf<'session.status_idled'>>();
    const webhooks = new Webhooks({ key });
    webhooks.on('session.status_idled', onIdle);
    webhooks.on('vault_credential.*', onVault);
    // @ts-expect-error a handler for another type does not fit
    webhooks.on('session.created', onVault);
  });
});

/** A store that claims and releases, but fails to record a completion (its database went away). */
class CompletionFailsStore extends MemoryDedupeStore {
  override completeSync(): void {
    throw new Error('connection terminated');
  }
  override async complete(): Promise<void> {
    throw new Error('connection terminated');
  }
}

/** The same, without the synchronous methods. */
class AsyncCompletionFailsStore extends AsyncOnlyStore {
  override async complete(): Promise<void> {
    throw new Error('connection terminated');
  }
}

describe.each([
  { store: 'synchronous', make: () => new CompletionFailsStore() },
  { store: 'asynchronous', make: () => new AsyncCompletionFailsStore() },
])('Webhooks when the $store store fails to record a completion', ({ make }) => {
  it.each([
    { handler: 'synchronous', receive: ((w, d) => w[receiveNow](d)) as Receive },
    { handler: 'asynchronous', receive: ((w, d) => w.verifyAndReceive(d)) as Receive },
  ])('still counts a $handler handler run as processed, and tells onError', async ({ handler, receive }) => {
    const webhooks = new Webhooks({ key, log: quiet, dedupe: make() });
    const reported: Error[] = [];
    webhooks.onError((error) => {
      reported.push(error);
    });
    const runs: string[] = [];
    webhooks.on(
      'session.created',
      handler === 'synchronous' ? (e) => void runs.push(e.id) : async (e) => void runs.push(e.id),
    );
    const d = delivery('session.created');
    expect((await receive(webhooks, d)).status).toBe('processed');
    expect(runs).toEqual([d.event.id]);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain('the handlers ran, but the dedupe store could not record');
    expect(reported[0]?.cause).toMatchObject({ message: 'connection terminated' });
  });
});
