// The features' names and places in the vector: what coefficients.json keys its weights by.
import { SCRIPTS, type Script } from './scripts.js';

/**
 * The features counted by name, in vector order (an enum so that esbuild inlines each index
 * into the counting loops as a constant); the script blocks and the letter-pair sums follow.
 */
export enum Feature {
  // Latin words (ASCII and accented letters): short ones by length; longer ones by whether a
  // common tokenizer vocabulary holds them whole (see wordTables.ts) and by length.
  latin_len1,
  latin_len2,
  latin_len3,
  latin_known_len4,
  latin_known_len5,
  latin_known_len6,
  latin_known_len7,
  latin_known_len8,
  latin_known_len9,
  latin_known_len10_11,
  latin_known_len12plus,
  latin_uncommon_len4_6, // known but not among the most frequent words: extra cost on top of known_
  latin_uncommon_len7plus,
  latin_multilingual_len4_6, // not in the main vocabulary but whole in a multilingual one
  latin_multilingual_len7_9,
  latin_multilingual_len10plus,
  latin_unknown_len4,
  latin_unknown_len5,
  latin_unknown_len6,
  latin_unknown_len7,
  latin_unknown_len8,
  latin_unknown_len9_10,
  latin_unknown_len11_13,
  latin_unknown_len14plus,
  latin_letters_past13,
  // An unknown word of 5+ letters cut as a BPE vocabulary would: at camelCase humps, then greedily
  // into the longest pieces (2+ letters) the vocabularies hold; a letter no piece covers is paid alone.
  latin_split_short_segments, // hump segments of 1-3 letters (get|Element|By|Id)
  latin_split_pieces,
  latin_split_uncovered_letters,
  latin_camel_humps, // lower→upper inside a word
  latin_caps_run, // upper after upper inside a word
  latin_capitalized, // a word starting upper then lower (The, Hello)
  // A word a space does not precede (after punctuation, an indent, a newline): the pre-tokenizer
  // cannot fold a space into it, and vocabularies hold fewer such forms.
  latin_unspaced_words,
  latin_unspaced_known,
  latin_caps_known, // a word in capitals (2+ letters) that a vocabulary holds in capitals
  latin_caps_unknown,
  latin_nonascii_words, // words with an accented letter: vocabularies hold fewer of them
  latin_rare_words, // words with a letter of tier 2 or 3 (below): they break into small pieces
  latin1_accented, // é, ü, ø… (U+00C0–U+00FF)
  latin_extended, // ŋ, ɛ, ẹ, ő… (U+0100 and up)
  // Accented letters by how many vocabulary pieces hold them (wordTables.ts letterTiers): é is
  // everywhere, ř in some pieces, ɛ or ŋ in almost none.
  latin_tier1_letters,
  latin_tier2_letters,
  latin_tier3_letters,

  combining_marks,
  zero_width,
  digit_runs,
  digits,
  digit_groups, // ceil(length / 3) per number
  punct_len1,
  punct_len2,
  punct_len3plus,
  punct_chars_past2, // other than repeats
  punct_repeats, // same character as the previous one in the run
  punct_split_pieces, // a run of 2+ cut greedily into the punctuation pieces the vocabularies hold (',' => ::)
  space_len1,
  space_len2_4,
  space_len5_8,
  space_len9plus,
  spaces_past8,
  tab_runs,
  tabs,
  newline_runs,
  newlines,
  other_spaces,
  cjk_punct, // CJK punctuation and full-width forms
  symbols_2byte, // Latin-1 symbols and other U+0080–U+07FF non-letters
  symbols_3byte_common, // general punctuation, currency, arrows, box drawing, shapes (repeats: symbol_repeats)
  symbols_3byte_rare, // maths operators, technical and APL symbols, dingbats, private use…
  symbol_repeats, // same symbol as the previous one (───, ═══): long runs merge into few tokens
  emoji,
  controls,
}
const NAMED_FEATURES = Object.keys(Feature).filter((key) => Number.isNaN(Number(key)));

/**
 * Per script (scripts.ts), for runs of its letters: how many, their UTF-8 bytes, how many a
 * vocabulary holds whole, and for the others a greedy cut into the longest pieces the
 * vocabularies hold: the pieces, and the bytes no piece covers (paid about a token a byte);
 * and letters that few vocabulary pieces hold (tiers 2 and 3, wordTables.ts letterTiers).
 */
export const SCRIPT_FEATURES = ['runs', 'bytes', 'whole', 'pieces', 'uncovered_bytes', 'tier2_letters', 'tier3_letters'] as const;
export type ScriptFeature = (typeof SCRIPT_FEATURES)[number];
export const scriptFeatureName = (script: Script, feature: ScriptFeature) => `${script}_${feature}`;
/** Offsets within a script's block. */
export const RUNS = 0;
export const BYTES = 1;
export const WHOLE = 2;
export const PIECES = 3;
export const UNCOVERED = 4;
export const TIER2 = 5;
/** One per vocabulary model: v3, and v4.7 (whose vocabulary v5 shares). */
export const BIGRAM_FEATURES = ['bigrams_v3', 'bigrams_v4_7'] as const;

/** Names of the features, in vector order; coefficients.json keys its weights by these. */
export const FEATURE_NAMES: readonly string[] = [
  ...NAMED_FEATURES,
  ...SCRIPTS.flatMap((script) => SCRIPT_FEATURES.map((feature) => scriptFeatureName(script, feature))),
  // Sums of the fitted letter-pair corrections (wordTables.ts bigrams) of each vocabulary model:
  // what the pieces above miss about how one language's words are cut (Ukrainian costs less
  // than the open vocabularies suggest, Mongolian more). Their weights are the models' scales.
  ...BIGRAM_FEATURES,
];
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** Length of the vectors accumulateFeatures writes into. */
export const FEATURE_VECTOR_LENGTH = FEATURE_COUNT;

export type NamedFeature = keyof typeof Feature;
export const FIRST_SCRIPT_FEATURE = NAMED_FEATURES.length;
/** Index of bigrams_v3 (bigrams_v4_7 follows); the features before it are the fitted linear ones. */
export const FIRST_BIGRAM_FEATURE = FIRST_SCRIPT_FEATURE + SCRIPTS.length * SCRIPT_FEATURES.length;
export const BIGRAM_V3 = FIRST_BIGRAM_FEATURE;
export const BIGRAM_V47 = FIRST_BIGRAM_FEATURE + 1;
