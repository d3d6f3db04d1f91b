/**
 * Keeps secrets that ride in URLs (`http://user:pass@host`, `?token=…`) out of what the package
 * prints or sends: error messages, log lines, page attributes, event streams.
 */

/** Query parameters whose values are treated as secrets. */
const SECRET_PARAM = /^(?:.*[-_])?(?:token|key|secret|password|passwd|pwd|sig|signature|auth|credentials?)$/i;

/** A URL's user name and password, if it has them (percent-decoded). */
export interface UrlCredentials {
  /** The URL without its user info. */
  url: string;
  username?: string;
  password?: string;
}

/** Splits the user info off an absolute URL; a string that is not a URL is returned as it is. */
export function splitCredentials(text: string): UrlCredentials {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { url: text };
  }
  if (!parsed.username && !parsed.password) return { url: text };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  // `URL` adds a slash after a bare origin; keep the caller's spelling otherwise.
  const url = text.endsWith('/') || parsed.pathname !== '/' ? parsed.href : parsed.href.replace(/\/$/, '');
  return { url, username, password };
}

/**
 * `text` with every URL's user info replaced by `***` and the values of token-like query
 * parameters (`token`, `access_token`, `api_key`, `password`, `sig`, …) replaced by `***`.
 */
export function redactSecrets(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, redactUrl);
}

function redactUrl(url: string): string {
  const withoutUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
  return withoutUser.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, name: string) =>
    SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=***` : whole,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
