// Anthropic's exact count of a prompt (count_tokens is free), for a hard budget that must judge a
// request close to its limit exactly rather than with the estimate's margin.
import type { Upstream } from './proxy.js';
import type { Json } from './requestBody.js';

/** The Messages fields count_tokens takes; any other (max_tokens, stream, metadata, ...) it refuses. */
const COUNTED_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers'];
const TIMEOUT_MS = 5_000;

/** `headers` builds the upstream headers for a body of the given length; null on any failure (the margin then stands). */
export function countPromptTokens(
  upstream: Upstream,
  query: string,
  headers: (bodyLength: number) => string[],
  body: Json,
): Promise<number | null> {
  const counted = Buffer.from(
    JSON.stringify(Object.fromEntries(COUNTED_FIELDS.filter((f) => body[f] !== undefined).map((f) => [f, body[f]]))),
  );
  return new Promise((resolve) => {
    const req = upstream.request(
      {
        protocol: upstream.url.protocol,
        hostname: upstream.url.hostname,
        port: upstream.url.port || undefined,
        method: 'POST',
        path: `${upstream.url.pathname.replace(/\/+$/, '')}/v1/messages/count_tokens${query}`,
        headers: headers(counted.length),
        agent: upstream.agent,
        setHost: false,
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => resolve(null));
        res.on('end', () => {
          try {
            const tokens = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input_tokens?: unknown }).input_tokens;
            resolve(res.statusCode === 200 && typeof tokens === 'number' && Number.isSafeInteger(tokens) && tokens >= 0 ? tokens : null);
          } catch {
            resolve(null);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end(counted);
  });
}
