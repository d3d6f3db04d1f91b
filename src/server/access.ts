/**
 * Who may talk to a dashboard server: the `Host` allow-list (against DNS rebinding), the `Origin`
 * check and `Content-Type` rule for writes (against cross-site posts, which need no preflight
 * when sent as `text/plain`), and the bearer tokens for writing and, optionally, reading.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Access rules of a dashboard server; every field is optional. */
export interface AccessOptions {
  /**
   * Required as `Authorization: Bearer <token>` to `POST /events`; also opens reads. Required
   * when the server listens on a non-loopback interface and accepts posted events.
   */
  token?: string;
  /**
   * When set, reading (the page, `GET /events`, `/healthz`) needs this token (or `token`): as
   * `Authorization: Bearer <readToken>`, or once as `/?token=<readToken>` in a browser, which
   * stores it in an HttpOnly, SameSite=Strict cookie and redirects to `/` without it.
   */
  readToken?: string;
  /**
   * `Host` header values accepted besides loopback names (`localhost`, `*.localhost`,
   * `127.0.0.0/8`, `[::1]`) and the interface the server listens on; with or without a port.
   * `'*'` accepts any (only behind a proxy that checks Host itself).
   */
  allowedHosts?: string[];
  /** Origins (`https://app.example.com`) that may `POST /events` besides the page's own. */
  allowedOrigins?: string[];
  /**
   * The CSP `frame-ancestors` of every response: who may embed the page in a frame. Default
   * `["'none'"]`; e.g. `["'self'", 'https://notebooks.example.com']`.
   */
  frameAncestors?: string[];
}

/** The cookie a browser keeps the read token in after `/?token=…`. */
export const READ_COOKIE = 'trialkit_read';

/** Whether `host` (a name or address, no port) names this machine only. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(name) ||
    name === '::ffff:127.0.0.1'
  );
}

/** The host part of a `Host` header, without port and brackets kept for IPv6. */
function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.replace(/:\d*$/, '');
}

/** Decides the access questions for one server. */
export class AccessPolicy {
  private readonly hosts: Set<string>;
  private readonly anyHost: boolean;
  private readonly origins: Set<string>;
  private readonly writeDigest: Buffer | undefined;
  private readonly readDigest: Buffer | undefined;

  constructor(
    readonly options: AccessOptions,
    listenHost: string,
  ) {
    const allowed = (options.allowedHosts ?? []).map((h) => h.trim().toLowerCase());
    this.anyHost = allowed.includes('*');
    // An explicit interface (e.g. 192.168.1.5) is how clients will name the server.
    const bound = listenHost === '0.0.0.0' || listenHost === '::' ? [] : [listenHost];
    this.hosts = new Set([...allowed, ...bound.map((h) => (h.includes(':') ? `[${h}]` : h))]);
    this.origins = new Set((options.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
    this.writeDigest = options.token ? digest(options.token) : undefined;
    this.readDigest = options.readToken ? digest(options.readToken) : undefined;
  }

  /** Whether the request's `Host` names this server (exactly or without its port). */
  hostAllowed(req: IncomingMessage): boolean {
    if (this.anyHost) return true;
    const header = req.headers.host;
    if (!header) return false;
    const name = hostName(header);
    return isLoopbackHost(name) || this.hosts.has(name) || this.hosts.has(header.trim().toLowerCase());
  }

  /** A request without `Origin` (curl, a trainer) or from the page's own origin, or an allowed one. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const value = origin.toLowerCase();
    const own = req.headers.host?.toLowerCase();
    return value === `http://${own}` || value === `https://${own}` || this.origins.has(value);
  }

  /** Whether the request may write; true when no write token is set. */
  mayWrite(req: IncomingMessage): boolean {
    return this.writeDigest === undefined || matches(bearer(req), this.writeDigest);
  }

  /** Whether the request may read; true when no read token is set. */
  mayRead(req: IncomingMessage): boolean {
    if (this.readDigest === undefined) return true;
    const presented = bearer(req) ?? cookie(req, READ_COOKIE);
    return matches(presented, this.readDigest) || matches(presented, this.writeDigest);
  }

  /** Whether `token` (from `/?token=`) is the read token (or the write token). */
  isReadToken(token: string): boolean {
    return matches(token, this.readDigest) || matches(token, this.writeDigest);
  }
}

/** Tokens are compared as digests, in constant time, so neither length nor prefix leaks. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function matches(presented: string | undefined, expected: Buffer | undefined): boolean {
  return presented !== undefined && expected !== undefined && timingSafeEqual(digest(presented), expected);
}

function bearer(req: IncomingMessage): string | undefined {
  return bearerOf(req.headers.authorization);
}

function bearerOf(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/** A check of an `Authorization` header against `Bearer <token>`, in constant time; with no token, any passes. */
export function bearerCheck(token: string | undefined): (authorization: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (authorization) => matches(bearerOf(authorization), expected);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** `X-Content-Type-Options`, `Referrer-Policy` and a CSP, for every response. */
export function securityHeaders(frameAncestors: string[], page: boolean): Record<string, string> {
  const ancestors = `frame-ancestors ${frameAncestors.join(' ')}`;
  // Styles may be inline: Lit templates bind `style` attributes. Scripts only from this server;
  // workers also from `blob:` URLs, which only this page's own scripts can make (the importance view's).
  const csp = page
    ? `default-src 'none'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
      `connect-src 'self'; base-uri 'none'; form-action 'none'; ${ancestors}`
    : `default-src 'none'; ${ancestors}`;
  return {
    'x-content-type-options': 'nosniff',
    // The page links to MLflow runs: the dashboard's URL (and any token in it) stays here.
    'referrer-policy': 'no-referrer',
    'content-security-policy': csp,
    ...(frameAncestors.join(' ') === "'none'" ? { 'x-frame-options': 'DENY' } : {}),
  };
}
