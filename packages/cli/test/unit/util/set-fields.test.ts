import { describe, expect, it } from 'vitest';
import { applyAssignment, parseAssignment } from '../../../src/util/set-fields.js';

describe('--set', () => {
  it('sets nested data fields, parsing JSON-looking values', () => {
    const event: Record<string, unknown> = { data: { id: 'a' } };
    for (const raw of [
      'data.id=sesn_011CZ',
      'data.n=3',
      'data.flag=true',
      'data.nested.x={"y":1}',
      'data.text=hello world',
    ]) {
      const assignment = parseAssignment(raw);
      if (typeof assignment === 'string') throw new Error(assignment);
      applyAssignment(event, assignment);
    }
    expect(event.data).toEqual({ id: 'sesn_011CZ', n: 3, flag: true, nested: { x: { y: 1 } }, text: 'hello world' });
  });

  it('explains malformed assignments', () => {
    expect(parseAssignment('data.id')).toContain('path=value');
    expect(parseAssignment('headers.x=1')).toContain('data.<field>');
    expect(parseAssignment('data=1')).toContain('replace all of data');
  });
});
