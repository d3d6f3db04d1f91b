/**
 * bytea in PGlite's text format ("\x" then hex), converted by Node's native hex codec, or with
 * lookup tables where there is no `Buffer` (a browser). PGlite's own conversion goes a character
 * pair at a time through `parseInt` and strings, about 15 MB/s; the chunks and summaries travel as
 * bytea, so that was most of the cost of a window query. The native codec is ~5x the tables.
 */

/** PostgreSQL's type OID of bytea. */
export const BYTEA_OID = 17;

const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}
const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Node's Buffer, when there is one. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** A bytea value from its hex text ("\x0aff…"). */
export function parseBytea(text: string): Uint8Array {
  if (NodeBuffer) {
    const b = NodeBuffer.from(text.slice(2), 'hex');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  return parseHex(text);
}

/** {@link parseBytea} without Node: lookup tables. */
export function parseHex(text: string): Uint8Array {
  const out = new Uint8Array((text.length - 2) >> 1);
  for (let i = 0, c = 2; i < out.length; i++, c += 2)
    out[i] = (NIBBLE[text.charCodeAt(c)] << 4) | NIBBLE[text.charCodeAt(c + 1)];
  return out;
}

/** The hex text of a bytea parameter. */
export function serializeBytea(bytes: unknown): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytea parameter: expected a Uint8Array');
  if (NodeBuffer)
    return `\\x${NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
  return serializeHex(bytes);
}

/** {@link serializeBytea} without Node: lookup tables. */
export function serializeHex(bytes: Uint8Array): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX_PAIRS[bytes[i]];
  return `\\x${parts.join('')}`;
}

/** Query options that make PGlite use the conversions above. */
export const BYTEA_QUERY_OPTIONS = {
  parsers: { [BYTEA_OID]: parseBytea },
  serializers: { [BYTEA_OID]: serializeBytea },
};
