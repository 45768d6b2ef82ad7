// Headers pass through both ways as the client and the API sent them (order, case, repeats),
// except the ones that belong to one connection (RFC 9110 §7.6.1) and Tally's own token.

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The gateway's own header: it proves the caller holds the token, and never goes upstream. */
export const TOKEN_HEADER = 'x-tally-token';

/** rawHeaders ([name, value, name, value, ...]) without hop-by-hop headers, those named in Connection, and `drop`. */
export function endToEnd(raw: readonly string[], drop: ReadonlySet<string> = new Set()): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') {
      for (const token of raw[i + 1]!.split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || drop.has(name)) continue;
    kept.push(raw[i]!, raw[i + 1]!);
  }
  return kept;
}

// Host is the upstream's; the body's length is what the gateway sends; `expect: 100-continue` was answered here.
const NOT_FORWARDED = new Set(['host', 'content-length', 'expect', TOKEN_HEADER]);

export interface UpstreamHeaderOptions {
  host: string;
  bodyLength: number | null;
  /** The user's key, added only when the client sent no credential of its own. */
  apiKey: string | undefined;
}

export function hasCredential(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if ((name === 'x-api-key' || name === 'authorization') && raw[i + 1]!.trim() !== '') return true;
  }
  return false;
}

/** The request headers for the upstream, as a rawHeaders-style list. */
export function upstreamRequestHeaders(raw: readonly string[], options: UpstreamHeaderOptions): string[] {
  const headers = ['Host', options.host, ...endToEnd(raw, NOT_FORWARDED)];
  if (options.bodyLength !== null) headers.push('Content-Length', String(options.bodyLength));
  if (options.apiKey && !hasCredential(raw)) headers.push('x-api-key', options.apiKey);
  return headers;
}

/** The first value of a header in rawHeaders form. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}
