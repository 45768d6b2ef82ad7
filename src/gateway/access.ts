// Who may use the gateway: holders of a token (in the base URL's path, /t/TOKEN/..., or the
// x-tally-token header), on the loopback address it listens on. A web page cannot send the token
// it does not know, and cannot reach the port under its own host name (DNS rebinding).
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Workspace {
  path: string;
  name: string;
}

/** 32 random bytes, URL-safe: unguessable, and safe in a path. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,200}$/;

export function isTokenShaped(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

export class TokenRegistry {
  private readonly tokens: Array<{ token: Buffer; workspace: Workspace }> = [];

  issue(workspace: Workspace, token = newToken()): string {
    if (!isTokenShaped(token)) throw new Error('a gateway token is 16 to 200 letters, digits, "-" or "_"');
    this.revoke(token);
    this.tokens.push({ token: Buffer.from(token), workspace: { path: workspace.path, name: workspace.name } });
    return token;
  }

  revoke(token: string): void {
    const wanted = Buffer.from(token);
    const index = this.tokens.findIndex((entry) => entry.token.length === wanted.length && timingSafeEqual(entry.token, wanted));
    if (index !== -1) this.tokens.splice(index, 1);
  }

  /** The workspace the token was issued for, compared in constant time; undefined for any other string. */
  workspaceOf(token: string | undefined): Workspace | undefined {
    if (!token) return undefined;
    const given = Buffer.from(token);
    let found: Workspace | undefined;
    for (const entry of this.tokens) {
      if (entry.token.length === given.length && timingSafeEqual(entry.token, given)) found = entry.workspace;
    }
    return found;
  }
}

/** Splits `/t/TOKEN/v1/messages?beta=true` into the token and the API path; other paths have no token in them. */
export function splitTokenPath(url: string): { token: string | undefined; path: string } {
  if (!url.startsWith('/t/')) return { token: undefined, path: url };
  const end = url.indexOf('/', 3);
  if (end === -1) return { token: url.slice(3).split('?')[0], path: '/' };
  return { token: url.slice(3, end), path: url.slice(end) };
}

/** Only the address and port the gateway listens on, by IP or as localhost. */
export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}
