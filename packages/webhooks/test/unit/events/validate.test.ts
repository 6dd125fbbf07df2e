import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  isKnownEvent,
  knownWebhookEventSchema,
  validateEvent,
  WebhookPayloadError,
  webhookEventSchema,
} from '../../../src/index.js';
import { sampleData } from '../../../src/testing/index.js';

const envelope = (data: Record<string, unknown>) => ({
  id: 'whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  created_at: '2026-03-15T10:00:00Z',
  data,
  type: 'event',
});

function payloadError(value: unknown, unknownEvents?: 'accept' | 'reject'): WebhookPayloadError {
  try {
    validateEvent(value, { unknownEvents });
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookPayloadError);
    return error as WebhookPayloadError;
  }
  throw new Error('expected a payload error');
}

describe('validateEvent', () => {
  it('accepts a realistic event of every type', () => {
    for (const type of EVENT_TYPES) {
      const event = validateEvent(envelope(sampleData(type)), { unknownEvents: 'reject' });
      expect(event.data.type).toBe(type);
    }
  });

  it('names the path and the expectation of a missing extra field', () => {
    const data = sampleData('vault_credential.created');
    delete data.vault_id;
    const error = payloadError(envelope(data));
    expect(error.message).toBe('data.vault_id: expected a string, got undefined');
    expect([error.code, error.path, error.expected, error.received]).toEqual([
      'invalid_event',
      'data.vault_id',
      'a string',
      'undefined',
    ]);
  });

  it.each([
    [null, 'payload: expected an event object, got null'],
    [[], 'payload: expected an event object, got an array'],
    [{ ...envelope(sampleData('session.created')), type: 'message' }, 'type: expected the string "event"'],
    [{ ...envelope(sampleData('session.created')), id: 5 }, 'id: expected a string, got the number 5'],
    [{ ...envelope(sampleData('session.created')), created_at: 'yesterday' }, 'created_at: expected an RFC 3339'],
    [{ ...envelope(sampleData('session.created')), data: 'x' }, 'data: expected an object'],
    [envelope({ ...sampleData('session.created'), type: 7 }), 'data.type: expected a string'],
    [
      envelope({ ...sampleData('session.created'), workspace_id: null }),
      'data.workspace_id: expected a string, got null',
    ],
    [envelope({ ...sampleData('session.thread_idled'), session_thread_id: {} }), 'data.session_thread_id'],
    [envelope({ ...sampleData('session.created'), organization_id: undefined }), 'data.organization_id'],
  ])('rejects %j', (value, message) => {
    expect(payloadError(value).message).toContain(message);
  });

  it('keeps unknown types with every field, and rejects them on request', () => {
    const data = { ...sampleData('session.created'), type: 'session.paused', reason: { code: 7 } };
    const event = validateEvent(envelope(data));
    expect(isKnownEvent(event)).toBe(false);
    expect(event.data).toEqual(data);
    const error = payloadError(envelope(data), 'reject');
    expect([error.code, error.path]).toEqual(['unknown_event_type', 'data.type']);
  });

  it('preserves unknown extra fields on known types', () => {
    const data = { ...sampleData('session.status_idled'), stop_reason: { type: 'requires_action' } };
    const event = validateEvent({ ...envelope(data), delivered_via: 'x' });
    expect(isKnownEvent(event)).toBe(true);
    expect(event).toMatchObject({ delivered_via: 'x', data: { stop_reason: { type: 'requires_action' } } });
  });

  it('does not need workspace_id on organization-level types', () => {
    const data = sampleData('external_key.failed');
    expect(data).not.toHaveProperty('workspace_id');
    expect(validateEvent(envelope(data), { unknownEvents: 'reject' }).data.type).toBe('external_key.failed');
  });

  it('never throws anything but WebhookPayloadError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          validateEvent(value);
        } catch (error) {
          expect(error).toBeInstanceOf(WebhookPayloadError);
        }
      }),
    );
  });
});

describe('the Standard Schema', () => {
  it('returns the value for a valid event and an issue with a path otherwise', () => {
    const good = envelope(sampleData('session.created'));
    expect(webhookEventSchema['~standard'].validate(good)).toEqual({ value: good });
    const data = sampleData('vault_credential.deleted');
    delete data.vault_id;
    const result = webhookEventSchema['~standard'].validate(envelope(data));
    expect(result.issues).toEqual([{ message: 'expected a string, got undefined', path: ['data', 'vault_id'] }]);
    expect(webhookEventSchema['~standard'].vendor).toBe('hookline');
  });

  it('accepts unknown types in the default schema and not in the strict one', () => {
    const unknown = envelope({ ...sampleData('session.created'), type: 'session.paused' });
    expect(webhookEventSchema['~standard'].validate(unknown).issues).toBeUndefined();
    expect(knownWebhookEventSchema['~standard'].validate(unknown).issues).toHaveLength(1);
  });
});
