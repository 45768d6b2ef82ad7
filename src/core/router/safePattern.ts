import type * as Re2Module from 're2js';
import type { RE2JS } from 're2js';

/**
 * A user's routing pattern, matched in time linear in the prompt's length. JavaScript's RegExp
 * backtracks, so a rule such as "(a+)+$" takes time doubling per character and would freeze the
 * editor on every selection change; RE2 has no backtracking. RE2 is loaded on the first pattern
 * rule (the bundles keep it as a separate file), so users without one never pay for it.
 */
export interface SafePattern {
  /** Whether the pattern occurs anywhere in `text`. Stateless: the same text always gives the same answer. */
  test(text: string): boolean;
}

let engine: typeof RE2JS | undefined;
function re2(): typeof RE2JS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, kept out of the main bundles
  engine ??= (require('re2js') as typeof Re2Module).RE2JS;
  return engine;
}

/**
 * Compiles `pattern` with JavaScript-style `flags`: i (case-insensitive), m (multi-line), s (dot
 * matches newlines). g, y, d, u and v change nothing: a rule asks "does it occur", and keeps no
 * position between prompts, so a g or y flag can never make the same prompt route differently.
 * Throws an Error whose message says what is wrong (RE2 refuses look-arounds and back-references).
 */
export function compileSafePattern(pattern: string, flags = 'i'): SafePattern {
  const RE2 = re2();
  let options = 0;
  if (flags.includes('i')) options |= RE2.CASE_INSENSITIVE;
  if (flags.includes('m')) options |= RE2.MULTILINE;
  if (flags.includes('s')) options |= RE2.DOTALL;
  let compiled: RE2JS;
  try {
    compiled = RE2.compile(pattern, options);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    throw new Error(`${reason} (patterns use RE2 syntax: no look-arounds or back-references)`);
  }
  return { test: (text) => compiled.matcher(text).find() };
}
