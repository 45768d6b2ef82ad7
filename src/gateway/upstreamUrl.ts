// What may be an upstream: one check for the CLI flag and the editor setting (the user's key goes there).

export const DEFAULT_UPSTREAM = 'https://api.anthropic.com';

/** Why `raw` cannot be an upstream, or null when it can. */
export function upstreamProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL (e.g. ${DEFAULT_UPSTREAM})`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${raw}" must start with http:// or https://`;
  if (url.username || url.password) return 'must not contain a user name or password';
  return null;
}

/** A Tally gateway's own base URL (loopback, /t/TOKEN): never an upstream, or the gateway would call itself. */
export function isTallyGatewayUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.hostname === '127.0.0.1' || url.hostname === 'localhost') && url.pathname.startsWith('/t/');
  } catch {
    return false;
  }
}
