// Answers that read like a model's, for the demo: they name what the question names (files,
// identifiers in backticks or camelCase), answer in the shape the question asks for (explain, fix,
// test, review) and say they are simulated. Deterministic: the same question gets the same answer.
import type { TokenizerFamily } from '../core/prices/schema.js';
import { estimateTextTokens } from '../core/tokens/estimator.js';

type Intent = 'fix' | 'test' | 'review' | 'explain' | 'write';

const INTENT_WORDS: ReadonlyArray<[Intent, readonly string[]]> = [
  ['fix', ['fix', 'bug', 'error', 'wrong', 'broken', 'fails', 'crash', 'drift']],
  ['test', ['test', 'tests', 'spec', 'coverage']],
  ['review', ['review', 'audit', 'check', 'problems', 'smell']],
  ['write', ['write', 'add', 'implement', 'create', 'generate', 'refactor', 'rename']],
  ['explain', ['explain', 'why', 'what', 'how', 'where', 'which']],
];

const NOTE = '_Simulated answer: Tally is running against its built-in simulated Anthropic API, so no model read this._';

/** The names a developer would expect an answer to mention: `code spans`, file names, camelCase identifiers. */
export function namesIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/`([^`\n]{1,60})`/g)) found.add(match[1]!);
  for (const match of text.matchAll(/\b[\w-]+\.(?:ts|tsx|js|py|go|rs|java|md|json)\b/g)) found.add(match[0]);
  for (const match of text.matchAll(/\b[a-z]+[A-Z]\w*\b/g)) found.add(match[0]);
  return [...found].slice(0, 4);
}

function intentOf(text: string): Intent {
  const words = new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
  for (const [intent, list] of INTENT_WORDS) if (list.some((word) => words.has(word))) return intent;
  return 'explain';
}

function code(names: readonly string[]): string {
  const target = names.find((name) => /^[a-z]\w*$/i.test(name)) ?? 'handle';
  return [
    '```ts',
    `export function ${target}Checked(input: number): number {`,
    '  if (!Number.isFinite(input)) throw new RangeError(`expected a finite number, got ${input}`);',
    `  return Math.round(input);`,
    '}',
    '```',
  ].join('\n');
}

function body(intent: Intent, names: readonly string[]): string[] {
  const subject = names.length > 0 ? names.map((name) => `\`${name}\``).join(', ') : 'the code you attached';
  const first = names[0] ? `\`${names[0]}\`` : 'the function in question';
  switch (intent) {
    case 'fix':
      return [
        `I looked at ${subject}. The problem is most likely in ${first}: a value is computed in one unit and compared or rounded in another, so the result is off by a small amount only for some inputs.`,
        `1. Reproduce it with the smallest input that shows the difference.\n2. Round once, where the value is computed, and keep whole units after that.\n3. Add a test for the input that failed.`,
        code(names),
      ];
    case 'test':
      return [
        `Here are the cases worth covering for ${subject}:`,
        `- the ordinary case, with a value you can check by hand\n- the boundaries (zero, one, the largest value allowed)\n- the input that must be refused, with the message it gets`,
        code(names),
      ];
    case 'review':
      return [
        `I read ${subject}. Three things stand out:`,
        `- **Rounding**: amounts are rounded in more than one place, so two paths can disagree by a unit.\n- **Validation**: ${first} trusts its input; a negative or fractional value passes through.\n- **Naming**: a name that says what a value holds (cents, not amount) would make the first point visible.`,
        `None of these needs a large change; the first is the one users would notice.`,
      ];
    case 'write':
      return [
        `Here is a version of ${first} that does this, keeping the existing behaviour for valid input:`,
        code(names),
        `It refuses input it cannot handle with a message that says what it got, instead of returning a wrong value.`,
      ];
    case 'explain':
      return [
        `${names[0] ? first : 'This code'} takes its input, works in whole units, and returns a value the rest of the code can add up without drift.`,
        `The part worth knowing is where rounding happens: once, at the point a value is computed. Everything after that adds and subtracts whole units, which is why totals stay exact.`,
        names.length > 1
          ? `It is used together with ${names
              .slice(1)
              .map((name) => `\`${name}\``)
              .join(', ')}.`
          : '',
      ];
  }
}

/** A simulated answer to `question`, cut to `maxTokens` output tokens when it is longer. */
export function plausibleAnswer(
  question: string,
  family: TokenizerFamily,
  maxTokens: number,
): { text: string; outputTokens: number; truncated: boolean } {
  const names = namesIn(question);
  const text = [NOTE, ...body(intentOf(question), names)].filter(Boolean).join('\n\n');
  const outputTokens = Math.max(1, estimateTextTokens(text, family));
  if (maxTokens <= 0 || outputTokens <= maxTokens) return { text, outputTokens, truncated: false };
  const points = Array.from(text);
  return {
    text: points.slice(0, Math.floor((points.length * maxTokens) / outputTokens)).join(''),
    outputTokens: maxTokens,
    truncated: true,
  };
}
