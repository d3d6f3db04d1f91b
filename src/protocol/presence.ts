/**
 * Presence (protocol v3): who is looking at which study right now. Viewers are the dashboard tabs
 * that announced themselves to a server; a `presence` event states the whole picture, per study,
 * and replaces the previous one. It is state, not history: it is neither replayed nor ordered by
 * `seq` (which carries the `seq` of the last producer event sent before it).
 */
import * as z from 'zod/mini';

import { MAX_LISTED_VIEWERS } from './limits.js';

export { MAX_LISTED_VIEWERS } from './limits.js';

/** A viewer id: chosen by the tab, opaque, safe in a URL. */
export const viewerIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8 to 64 of A-Z a-z 0-9 _ -'));
/** A colour as `#rrggbb`: nothing else reaches a style attribute. */
export const viewerColorSchema = z
  .string()
  .check(z.regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour as #rrggbb'));
/** A viewer's display name: text, shown as text. */
export const viewerNameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));

/** One named viewer of a study. */
export const viewerSchema = z.object({
  id: viewerIdSchema,
  name: viewerNameSchema,
  color: viewerColorSchema,
});
export type Viewer = z.infer<typeof viewerSchema>;

/** Who looks at one study: named viewers, and how many more (anonymous, or past the list's cap). */
export const studyPresenceSchema = z.object({
  studyId: z.string().check(z.minLength(1), z.maxLength(512)),
  viewers: z.array(viewerSchema).check(z.maxLength(MAX_LISTED_VIEWERS)),
  /** Viewers without a name: counted, never named. */
  anonymous: z.int().check(z.nonnegative()),
  /** Named viewers past {@link MAX_LISTED_VIEWERS}. */
  more: z._default(z.int().check(z.nonnegative()), 0),
});
export type StudyPresence = z.infer<typeof studyPresenceSchema>;

/** The fields of a `presence` event besides the envelope; studies nobody looks at are left out. */
export const presenceFields = {
  type: z.literal('presence'),
  studies: z.array(studyPresenceSchema).check(z.maxLength(100_000)),
};

/**
 * What a tab tells the server about itself (`POST /presence`, and the stream's query parameters):
 * its id, the study it shows, and optionally a name and colour (a server with its own sign-in may
 * override them). Without a name the tab is an anonymous viewer.
 */
export const viewerAnnouncementSchema = z.object({
  viewer: viewerIdSchema,
  study: z.nullish(z.string().check(z.minLength(1), z.maxLength(512))),
  name: z.optional(viewerNameSchema),
  color: z.optional(viewerColorSchema),
});
export type ViewerAnnouncement = z.infer<typeof viewerAnnouncementSchema>;
