import { describe, expect, it } from 'vitest';
import { loggableId, routeLogFields } from '../../../src/observability/log-fields.js';

describe('routeLogFields', () => {
  it('names path ids with the log fields every relay log line uses', () => {
    expect(routeLogFields('/v1/deliveries/{id}/retry', { id: 'dlv_1' })).toEqual({ delivery_id: 'dlv_1' });
    expect(routeLogFields('/v1/destinations/{id}', { id: 'dst_1' })).toEqual({ destination_id: 'dst_1' });
    expect(routeLogFields('/v1/events/{id}', { id: 'whe_1' })).toEqual({ event_id: 'whe_1' });
    expect(routeLogFields('/v1/events/{id}', { id: 'evt_1' })).toEqual({ event_row_id: 'evt_1' });
    expect(routeLogFields('/ingest/{source}', { source: 'anthropic' })).toEqual({ source: 'anthropic' });
    expect(routeLogFields('/v1/events', {})).toEqual({});
  });

  it('bounds ids copied from requests', () => {
    expect(loggableId('x'.repeat(1000))).toHaveLength(129);
    expect(loggableId(['whe_a', 'whe_b'])).toBe('whe_a');
    expect(loggableId('')).toBeUndefined();
  });
});
