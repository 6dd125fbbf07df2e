import { describe, expect, it } from 'vitest';
import { DISABLED_REASONS, EndpointState } from '../../../src/simulate/endpoint.js';

describe('EndpointState', () => {
  it('disables after failing without interruption for the window, and a 2xx resets it', () => {
    const endpoint = new EndpointState(1000);
    endpoint.failed(0);
    endpoint.failed(900);
    endpoint.succeeded();
    endpoint.failed(1500);
    expect(endpoint.disabled).toBe(false);
    endpoint.failed(2499);
    expect(endpoint.disabled).toBe(false);
    endpoint.failed(2500);
    expect(endpoint.disabledReason).toBe(DISABLED_REASONS.sustained);
  });

  it('uses the platform reason texts verbatim and notifies once', () => {
    expect(DISABLED_REASONS.redirect).toBe('auto-disabled: endpoint URL returned a redirect (3xx)');
    expect(DISABLED_REASONS.sustained).toBe('auto-disabled after sustained delivery failures');
    const endpoint = new EndpointState(1000);
    let calls = 0;
    endpoint.onDisable(() => calls++);
    endpoint.disable(DISABLED_REASONS.redirect);
    endpoint.disable(DISABLED_REASONS.sustained);
    expect(calls).toBe(1);
    expect(endpoint.disabledReason).toBe(DISABLED_REASONS.redirect);
  });
});
