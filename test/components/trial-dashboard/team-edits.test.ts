// The author a comment is signed with: any viewer name gives one the protocol takes.
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, authorOf } from '../../../src/components/trial-dashboard/team-edits.js';
import { parseEvent } from '../../../src/protocol/index.js';

const signed = (author: string) =>
  parseEvent({
    v: 3,
    seq: 1,
    type: 'comment.upsert',
    trialId: 't1',
    comment: { id: 'c1', author, text: 'ok', createdAt: 1 },
  });

describe('authorOf', () => {
  it('cuts a long name to what presence shows, so the comment is taken', () => {
    expect(signed('x'.repeat(150)).ok).toBe(false);
    expect(authorOf({ name: ` ${'x'.repeat(150)} ` })).toBe('x'.repeat(64));
    for (const name of ['x'.repeat(150), '😀'.repeat(80), 'Ada'])
      expect(signed(authorOf({ name })).ok).toBe(true);
  });

  it('signs as anonymous without a name', () => {
    expect([authorOf(undefined), authorOf({ name: '   ' })]).toEqual([ANONYMOUS, ANONYMOUS]);
  });
});
