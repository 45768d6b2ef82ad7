/**
 * Tally's one way to show money. From a dollar up: cents ($12.50, $1,234.50). Below: three
 * significant digits, at least cents ($0.50, $0.0465, $0.000138), so a small figure never reads as
 * its neighbour ("$0.05 spent of $0.06" when $0.0465 was spent) and sub-cent prompts stay apart.
 */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return '$?';
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (abs < 5e-7) return '$0.00';
  if (abs >= 0.9995) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const decimals = Math.max(2, 2 - Math.floor(Math.log10(abs)));
  const text = abs.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1');
  return `${sign}$${text}`;
}

/** 1234 → "1.2k", 2500000 → "2.5M": short enough for a status bar. */
export function formatTokens(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}

/** Left-aligned first column, right-aligned numbers. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** A conversation's title from its first question: the first line, shortened. */
export function conversationTitle(question: string): string {
  const line = question.trim().split('\n')[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat';
}
