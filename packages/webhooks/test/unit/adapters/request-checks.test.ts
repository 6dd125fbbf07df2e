import { describe, expect, it } from 'vitest';
import { isJsonContentType, matchesPath } from '../../../src/adapters/request-checks.js';

describe('matchesPath', () => {
  it('matches the path with or without a trailing slash, ignoring the query', () => {
    expect(matchesPath('/webhooks', '/webhooks')).toBe(true);
    expect(matchesPath('/webhooks/', '/webhooks')).toBe(true);
    expect(matchesPath('/webhooks?x=1', '/webhooks')).toBe(true);
    expect(matchesPath('/webhooks', '/webhooks/')).toBe(true);
    expect(matchesPath('/webhooks/extra', '/webhooks')).toBe(false);
    expect(matchesPath('/webhooksx', '/webhooks')).toBe(false);
    expect(matchesPath('/anything', undefined)).toBe(true);
  });
});

describe('isJsonContentType', () => {
  it('accepts application/json with parameters and +json types, nothing else', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/cloudevents+json')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType('application/x-www-form-urlencoded')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});
