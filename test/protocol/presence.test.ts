import { describe, expect, it } from 'vitest';
import {
  encodeEvent,
  MAX_LISTED_VIEWERS,
  parseEvent,
  trialEventJsonSchema,
  viewerAnnouncementSchema,
} from '../../src/protocol/index.js';

const presence = {
  v: 3,
  seq: 7,
  type: 'presence',
  studies: [
    {
      studyId: 's1',
      viewers: [{ id: 'tab-aaaaaaaa', name: 'Ada', color: '#3366cc' }],
      anonymous: 2,
    },
  ],
};

describe('presence events', () => {
  it('round-trip through the codec, with `more` defaulting to 0', () => {
    const first = parseEvent(presence);
    if (!first.ok) throw first.error;
    const again = parseEvent(encodeEvent(first.event));
    expect(again.ok && again.event).toEqual({ ...presence, studies: [{ ...presence.studies[0], more: 0 }] });
  });

  it('are refused from a protocol version this reader does not speak', () => {
    const future = parseEvent({ ...presence, v: 4 });
    expect(!future.ok && future.error.code).toBe('unsupported_version');
  });

  it.each([
    ['a colour that is not #rrggbb', { color: 'red;background:url(x)' }, 'studies.0.viewers.0.color'],
    ['an empty name', { name: '   ' }, 'studies.0.viewers.0.name'],
    ['an id with markup', { id: '<img src=x>' }, 'studies.0.viewers.0.id'],
  ])('reject %s with a typed error naming the field', (_, change, path) => {
    const bad = {
      ...presence,
      studies: [{ ...presence.studies[0], viewers: [{ ...presence.studies[0].viewers[0], ...change }] }],
    };
    const result = parseEvent(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.name).toBe('ProtocolError');
      expect(result.error.code).toBe('malformed_event');
      expect(result.error.path).toBe(path);
      expect(result.error.message).toContain('malformed presence event');
    }
  });

  it('reject a negative anonymous count and an over-long viewer list', () => {
    const negative = parseEvent({ ...presence, studies: [{ ...presence.studies[0], anonymous: -1 }] });
    expect(!negative.ok && negative.error.path).toBe('studies.0.anonymous');
    const viewers = Array.from({ length: MAX_LISTED_VIEWERS + 1 }, (_, i) => ({
      id: `viewer-${String(i).padStart(4, '0')}`,
      name: `V${i}`,
      color: '#000000',
    }));
    const long = parseEvent({ ...presence, studies: [{ ...presence.studies[0], viewers }] });
    expect(!long.ok && long.error.path).toBe('studies.0.viewers');
  });

  it('keep a hostile name as the text it is', () => {
    const name = '<script>alert(1)</script>';
    const result = parseEvent({
      ...presence,
      studies: [{ ...presence.studies[0], viewers: [{ ...presence.studies[0].viewers[0], name }] }],
    });
    expect(result.ok && result.event.type === 'presence' && result.event.studies[0].viewers[0].name).toBe(
      name,
    );
  });

  it('appear in the JSON Schema', () => {
    const schema = trialEventJsonSchema() as { oneOf: { properties: { type: { const?: string } } }[] };
    const branch = schema.oneOf.find((b) => b.properties.type.const === 'presence');
    expect(branch).toBeDefined();
    expect(JSON.stringify(branch)).toContain('#[0-9a-fA-F]{6}');
  });
});

describe('viewer announcements', () => {
  it('accept an id alone (an anonymous viewer) and trim the name', () => {
    expect(viewerAnnouncementSchema.parse({ viewer: 'abcdefgh' })).toEqual({ viewer: 'abcdefgh' });
    expect(viewerAnnouncementSchema.parse({ viewer: 'abcdefgh', name: ' Ada ' }).name).toBe('Ada');
  });

  it('refuse an id too short to be unguessable', () => {
    expect(viewerAnnouncementSchema.safeParse({ viewer: 'abc' }).success).toBe(false);
  });
});
