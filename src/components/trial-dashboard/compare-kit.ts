/**
 * What the compare view (`compare.ts`, loaded on demand) renders with from the page's own code: the
 * table's model-version chips, star and tag controls, and number reading. Handed to it rather than
 * imported by it, so that it and the page share no code: a module both import goes into a chunk of
 * its own, which the page pays for upfront as one more request (measured: 0.5 KB gzip for these).
 */
import { modelVersionChips } from '../internal/model-versions.js';
import { paramNumber } from '../internal/param-number.js';
import { starToggle, tagChips } from '../internal/team-controls.js';

export const compareKit = { modelVersionChips, paramNumber, starToggle, tagChips };

export type CompareKit = typeof compareKit;
