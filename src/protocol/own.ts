/**
 * Reading records whose keys come from data (params, tags, metric names): only the record's own
 * keys count, so a param named `constructor` or `toString` reads as what it is, never as a member
 * of `Object.prototype`.
 */

/** `record[key]` if the record has it as its own key, else undefined. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
