/**
 * String literals in MLflow's search filters. MLflow strips a literal's outer quotes and keeps
 * everything between them as is: there is no escape for a quote inside. So a value is quoted with
 * the quote character it does not contain, and a value holding both (or ending in a backslash,
 * which the tokenizer reads as escaping the closing quote) cannot be written at all.
 */

/** The value as a filter literal (`'a"b'`, `"it's"`), or undefined when MLflow's grammar cannot express it. */
export function quoteFilterValue(value: string): string | undefined {
  if (value.endsWith('\\')) return undefined;
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return undefined;
}
