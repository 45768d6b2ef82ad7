// Offline estimate of what Anthropic's count_tokens reports, per tokenizer family: a linear
// function of text features (features.ts) with coefficients fitted to real counts
// (scripts/calibrate-tokens.ts → coefficients.json). Accuracy figures: see the calibration output.
import type { TokenizerFamily } from '../prices/schema.js';
import coefficients from './coefficients.json';
import { FEATURE_NAMES, FEATURE_VECTOR_LENGTH, textFeatures } from './features.js';

/** How a count was obtained, as the CLI and UI report it. */
export type CountMethod = 'estimate' | 'exact';

interface FamilyModel {
  frame: number;
  weights: Float64Array;
}

const MODELS = loadModels(coefficients.families as Record<string, { frame: number; weights: Record<string, number> }>);

function loadModels(families: Record<string, { frame: number; weights: Record<string, number> }>): Record<TokenizerFamily, FamilyModel> {
  const load = (family: TokenizerFamily): FamilyModel => {
    const entry = families[family];
    if (!entry) throw new Error(`coefficients.json: no coefficients for tokenizer family ${family}`);
    const weights = new Float64Array(FEATURE_VECTOR_LENGTH); // the last slot (ignored counts) stays 0
    FEATURE_NAMES.forEach((name, index) => {
      const weight = entry.weights[name];
      if (typeof weight !== 'number')
        throw new Error(`coefficients.json: ${family} has no weight for feature ${name}; rerun scripts/calibrate-tokens.ts`);
      weights[index] = weight;
    });
    return { frame: entry.frame, weights };
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

/** Tokens of `text` as content, without any message frame. */
export function estimateTextTokens(text: string, family: TokenizerFamily): number {
  return text === '' ? 0 : tokensFromFeatures(textFeatures(text), family);
}

/** Tokens the API adds around a request holding a single user message. */
export function messageFrameTokens(family: TokenizerFamily): number {
  return Math.round(MODELS[family].frame);
}

/** What count_tokens reports for `text` sent as the only user message. */
export function countUserMessageTokens(text: string, family: TokenizerFamily): number {
  return messageFrameTokens(family) + estimateTextTokens(text, family);
}
