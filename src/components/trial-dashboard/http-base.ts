/** `url` if it is an absolute http(s) URL: a run link must never be `javascript:` or `data:`. */
export function httpBase(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const { protocol } = new URL(url);
  return protocol === 'http:' || protocol === 'https:' ? url : undefined;
}
