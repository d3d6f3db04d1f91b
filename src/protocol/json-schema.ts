/** The protocol as JSON Schema, for producers in other languages (written to dist/ by the build). */
import * as z from 'zod/mini';
import { trialEventSchema } from './events.js';

/** JSON Schema (draft 2020-12) of one event as it travels on the wire. */
export function trialEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(trialEventSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    // In-memory events may carry NaN as a number; on the wire it is the string "NaN", so the
    // number-NaN branch matches nothing in JSON.
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'nan') ctx.jsonSchema.not = {};
    },
  }) as Record<string, unknown>;
}
