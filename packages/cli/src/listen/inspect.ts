import {
  parseUnverified,
  unwrap,
  WebhookConfigError,
  WebhookPayloadError,
  WebhookVerificationError,
} from '@hookline/webhooks';
import type { DeliveryRecord } from './record.js';

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function resourcesOf(data: Record<string, unknown>): Record<string, string> {
  const resources: Record<string, string> = {};
  if (typeof data.id === 'string') resources.id = data.id;
  for (const [field, value] of Object.entries(data)) {
    // organization and workspace are the same on every event of an account: noise on each line
    if (field.endsWith('_id') && field !== 'organization_id' && field !== 'workspace_id' && typeof value === 'string') {
      resources[field] = value;
    }
  }
  return resources;
}

// Type and ids are read even from rejected bodies, to say *what* was rejected; they are not trusted.
function peek(body: Buffer): { type: string | null; resources: Record<string, string> } {
  try {
    const event = parseUnverified(body);
    return { type: String(event.data.type), resources: resourcesOf(event.data as Record<string, unknown>) };
  } catch {
    return { type: null, resources: {} };
  }
}

/** Verifies one delivery with the core's unwrap and describes it (without deciding the answer). */
export function inspectDelivery(
  body: Buffer,
  headers: Record<string, string | string[] | undefined>,
  keys: string[],
): Omit<DeliveryRecord, 'time' | 'method' | 'path' | 'duplicate' | 'status' | 'forward'> {
  const id = headerValue(headers['webhook-id']);
  try {
    const event = unwrap(body, { headers, key: keys });
    return {
      id,
      type: String(event.data.type),
      resources: resourcesOf(event.data as Record<string, unknown>),
      verified: true,
      error: null,
    };
  } catch (error) {
    const { type, resources } = peek(body);
    if (error instanceof WebhookVerificationError) {
      const reason =
        error.details.reason ??
        (error.details.deltaSeconds !== undefined ? `off by ${error.details.deltaSeconds} s` : undefined);
      return {
        id,
        type,
        resources,
        verified: false,
        error: { code: error.code, message: error.message, ...(reason ? { reason } : {}) },
      };
    }
    if (error instanceof WebhookPayloadError || error instanceof WebhookConfigError) {
      return {
        id,
        type,
        resources,
        verified: false,
        error: { code: error.code, message: error.message.split('\n')[0]! },
      };
    }
    throw error;
  }
}
