import { describe, expect, it } from 'vitest';
import { parseHeaderText } from '../../../src/verify/read-headers.js';

describe('parseHeaderText', () => {
  it('reads a curl -D dump, lower-casing names and joining repeated signatures', () => {
    const text =
      'POST /webhooks HTTP/1.1\r\nWebhook-Id: whe_1\r\nwebhook-timestamp: 1\r\nwebhook-signature: v1,a\r\nwebhook-signature: v1,b\r\n\r\n';
    expect(parseHeaderText(text)).toEqual({
      'webhook-id': 'whe_1',
      'webhook-timestamp': '1',
      'webhook-signature': 'v1,a v1,b',
    });
  });

  it('reads a JSON object and reports one that does not parse', () => {
    expect(parseHeaderText('{"Webhook-Id":"whe_1","webhook-timestamp":1}')).toEqual({
      'webhook-id': 'whe_1',
      'webhook-timestamp': '1',
    });
    expect(parseHeaderText('{"webhook-id":')).toContain('does not parse');
  });
});
