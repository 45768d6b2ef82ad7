// Builds the signals' regular expressions from word lists, one entry per line, so a change to a
// vocabulary shows in a diff as the words added or removed. Every pattern is compiled once, at load.

/**
 * One entry of a vocabulary: a string is literal text (escaped), a RegExp is a pattern inserted as
 * written (`/payments?/`, `/pretty[- ]?print/`), and a list is a choice between its entries. A RegExp
 * with a top-level `|` is an alternative of its own: give it to `anyOf` or put it in a list.
 */
export type Phrase = string | RegExp | readonly Phrase[];

/** Regex source of an entry; a list becomes one capturing group of alternatives, in order (the first that matches wins). */
function source(entry: Phrase): string {
  if (typeof entry === 'string') return entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (entry instanceof RegExp) {
    // An entry's flags would be dropped without a word: the whole pattern takes one set of flags.
    if (entry.flags) throw new Error(`word-list entry /${entry.source}/${entry.flags}: flags go on the whole pattern, not on one entry`);
    return entry.source;
  }
  return `(${entry.map(source).join('|')})`;
}

/** Whole words or phrases: `\b(a|b|c)\b`. */
export function phrases(list: readonly Phrase[], flags = ''): RegExp {
  return new RegExp(`\\b${source(list)}\\b`, flags);
}

/** Alternatives at the top level, `a|b|c`: a signal set off by any of several differently shaped patterns. */
export function anyOf(alternatives: readonly Phrase[], flags = ''): RegExp {
  return new RegExp(alternatives.map(source).join('|'), flags);
}

/**
 * A pattern written as a template: the text is regex source, raw (`\b` needs no second backslash), and
 * each `${…}` is an entry as above, so `` pattern`\b${VERBS} (this|these)\b` `` puts a word list in place.
 */
export function pattern(text: TemplateStringsArray, ...entries: readonly Phrase[]): RegExp {
  return new RegExp(text.raw.map((raw, i) => (i < entries.length ? raw + source(entries[i]!) : raw)).join(''));
}
