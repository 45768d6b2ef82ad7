// Which program sent a request, from its User-Agent (and the x-title header some editors add),
// so spend can be shown by client. Known programs get a stable name; others their product token.

const KNOWN: ReadonlyArray<[RegExp, string]> = [
  [/^claude-cli\//i, 'claude-code'],
  [/\bcline\//i, 'cline'],
  [/\broo-?code\b|\broo-cline\b/i, 'roo'],
  [/\bcontinue\b/i, 'continue'],
  [/\baider\b/i, 'aider'],
  [/\blitellm\//i, 'litellm'],
  [/^anthropic\/js\b/i, 'anthropic-sdk-typescript'],
  [/^anthropic\/python\b/i, 'anthropic-sdk-python'],
  [/^anthropic\/(\w+)/i, 'anthropic-sdk'],
  [/^curl\//i, 'curl'],
  [/^python-(requests|httpx|urllib)/i, 'python'],
  [/^node(-fetch)?\b|^undici\b/i, 'node'],
];

const TITLES: ReadonlyArray<[RegExp, string]> = [
  [/^cline$/i, 'cline'],
  [/^roo/i, 'roo'],
  [/^continue/i, 'continue'],
  [/^aider/i, 'aider'],
];

/** A short client name, or null when the request says nothing about its sender. */
export function clientName(userAgent: string | undefined, title?: string | undefined): string | null {
  const agent = userAgent?.trim() ?? '';
  if (title) {
    for (const [pattern, name] of TITLES) if (pattern.test(title.trim())) return name;
  }
  for (const [pattern, name] of KNOWN) if (pattern.test(agent)) return name;
  if (agent === '') return null;
  // An unknown program: its product name (the first token before "/"), kept short and plain.
  const product = /^[A-Za-z0-9._-]+/.exec(agent)?.[0]?.toLowerCase();
  return product ? product.slice(0, 40) : null;
}
