// Offline estimate of what Anthropic's count_tokens reports, per tokenizer family: a linear
// function of text features (features.ts) with coefficients fitted to real counts
// (scripts/calibrate-tokens.ts → coefficients.json), and a confidence band from the fit's
// residuals on texts it never saw, per script (a text in a script the estimator knows poorly
// gets a wide band). Accuracy figures: see the calibration output and `npm run bench`.
import type { TokenizerFamily } from '../prices/schema.js';
import coefficients from './coefficients.json';
import { FEATURE_NAMES, FEATURE_VECTOR_LENGTH, SCRIPT_FEATURES } from './featureNames.js';
import { textFeatures, utf8Features } from './features.js';
import { BAND_GROUPS, SCRIPTS } from './scripts.js';

/** How a count was obtained, as the CLI and UI report it. */
export type CountMethod = 'estimate' | 'exact';

/** A token count with the range the true count is expected in (about 19 times in 20). */
export interface TokenEstimate {
  tokens: number;
  low: number;
  high: number;
}

/** Residual share of the estimate below and above it, per band group (from coefficients.json). */
interface BandEntry {
  under: number;
  over: number;
}

interface FamilyModel {
  frame: number;
  weights: Float64Array;
  /** Band of each group: index 0 is everything outside SCRIPTS (Latin, digits, punctuation, symbols). */
  bands: BandEntry[];
}

interface CoefficientsFile {
  families: Record<string, { frame: number; weights: Record<string, number>; bands: Record<string, BandEntry> }>;
}

const SCRIPT_BLOCK_START = FEATURE_NAMES.indexOf(`${SCRIPTS[0]}_${SCRIPT_FEATURES[0]}`);

const MODELS = loadModels(coefficients as CoefficientsFile);

function loadModels({ families }: CoefficientsFile): Record<TokenizerFamily, FamilyModel> {
  const load = (family: TokenizerFamily): FamilyModel => {
    const entry = families[family];
    if (!entry) throw new Error(`coefficients.json: no coefficients for tokenizer family ${family}`);
    const weights = new Float64Array(FEATURE_VECTOR_LENGTH);
    FEATURE_NAMES.forEach((name, index) => {
      const weight = entry.weights[name];
      if (typeof weight !== 'number')
        throw new Error(`coefficients.json: ${family} has no weight for feature ${name}; rerun scripts/calibrate-tokens.ts`);
      weights[index] = weight;
    });
    const bands = BAND_GROUPS.map((group) => {
      const band = entry.bands[group];
      if (!band) throw new Error(`coefficients.json: ${family} has no band for ${group}; rerun scripts/calibrate-tokens.ts`);
      return band;
    });
    return { frame: entry.frame, weights, bands };
  };
  return { v3: load('v3'), 'v4.7': load('v4.7'), v5: load('v5') };
}

/** Tokens of a text with these feature counts, as content (no message frame). */
export function tokensFromFeatures(features: Float64Array, family: TokenizerFamily): number {
  const weights = MODELS[family].weights;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i]! * features[i]!;
  return Math.round(sum);
}

/**
 * The band around content tokens with these features: the residual spread of each band group
 * (coefficients.json bands), weighed by that group's share of the estimate, plus a token either
 * way for rounding.
 */
export function bandFromFeatures(features: Float64Array, family: TokenizerFamily): TokenEstimate {
  const { weights, bands } = MODELS[family];
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]! * features[i]!;
  const tokens = Math.round(total);
  if (tokens <= 0) return { tokens, low: 0, high: 0 };
  let shares = 0;
  let under = 0;
  let over = 0;
  const add = (group: number, groupTokens: number) => {
    if (groupTokens <= 0) return;
    shares += groupTokens;
    under += groupTokens * bands[group]!.under;
    over += groupTokens * bands[group]!.over;
  };
  let latin = 0;
  for (let i = 0; i < SCRIPT_BLOCK_START; i++) latin += weights[i]! * features[i]!;
  add(0, latin);
  for (let script = 0; script < SCRIPTS.length; script++) {
    const from = SCRIPT_BLOCK_START + script * SCRIPT_FEATURES.length;
    let groupTokens = 0;
    for (let i = from; i < from + SCRIPT_FEATURES.length; i++) groupTokens += weights[i]! * features[i]!;
    add(script + 1, groupTokens);
  }
  const relativeUnder = shares > 0 ? under / shares : 0;
  const relativeOver = shares > 0 ? over / shares : 0;
  return {
    tokens,
    low: Math.max(0, Math.min(tokens, Math.floor(total * (1 - relativeUnder)) - 1)),
    high: Math.max(tokens, Math.ceil(total * (1 + relativeOver)) + 1),
  };
}

/** Tokens of `text` as content, without any message frame. */
export function estimateTextTokens(text: string, family: TokenizerFamily): number {
  return text === '' ? 0 : tokensFromFeatures(textFeatures(text), family);
}

/** Content tokens of `text` with the range the true count is expected in. */
export function estimateTextTokensWithBand(text: string, family: TokenizerFamily): TokenEstimate {
  return text === '' ? { tokens: 0, low: 0, high: 0 } : bandFromFeatures(textFeatures(text), family);
}

/** Same as estimateTextTokensWithBand for UTF-8 bytes, without decoding them (the CLI's path). */
export function estimateUtf8TokensWithBand(bytes: Uint8Array, family: TokenizerFamily): TokenEstimate {
  return bytes.length === 0 ? { tokens: 0, low: 0, high: 0 } : bandFromFeatures(utf8Features(bytes), family);
}

/** Tokens the API adds around a request holding a single user message. */
export function messageFrameTokens(family: TokenizerFamily): number {
  return Math.round(MODELS[family].frame);
}

/** What count_tokens reports for `text` sent as the only user message. */
export function countUserMessageTokens(text: string, family: TokenizerFamily): number {
  return messageFrameTokens(family) + estimateTextTokens(text, family);
}

/** countUserMessageTokens with its band. */
export function countUserMessageTokensWithBand(text: string, family: TokenizerFamily): TokenEstimate {
  return withFrame(estimateTextTokensWithBand(text, family), family);
}

/** A content estimate plus the single-user-message frame. */
export function withFrame(content: TokenEstimate, family: TokenizerFamily): TokenEstimate {
  const frame = messageFrameTokens(family);
  return { tokens: content.tokens + frame, low: content.low + frame, high: content.high + frame };
}
