import type { MessagesClient } from '../anthropic/client.js';
import { ROUTED_TIERS, type RoutedTier } from '../tiers.js';
import type { ModelClassifier } from './route.js';

/** The rubric in a few lines: the classifier model answers with one word, so its output costs almost nothing. */
const CLASSIFIER_SYSTEM = `You route developer prompts to the cheapest model tier that will answer them reliably.
haiku: mechanical transforms and lookups (format, convert, extract, classify, name, simple regex, commit message, short error explanation).
sonnet: everyday coding in one file or function (implement, test, explain, refactor, debug a pasted trace, SQL, config).
opus: deep reasoning or costly mistakes (architecture, multi-service migrations, races, security, incidents, data loss, money, proofs).
If torn, pick the higher tier. Answer with exactly one word: haiku, sonnet or opus.`;

/** Long prompts are cut in the middle: the task is stated at the start or the end, and the classifier's input is billed. */
const MAX_PROMPT_CHARS = 8000;

/** A ModelClassifier that asks `model` through `client`, for `routePromptAsync` in 'model' mode. */
export function createModelClassifier(client: MessagesClient, model: string): ModelClassifier {
  return async (prompt) => {
    const text =
      prompt.length <= MAX_PROMPT_CHARS ? prompt : `${prompt.slice(0, MAX_PROMPT_CHARS / 2)}\n[…]\n${prompt.slice(-MAX_PROMPT_CHARS / 2)}`;
    const result = await client.stream({
      model,
      system: [{ type: 'text', text: CLASSIFIER_SYSTEM }],
      messages: [{ role: 'user', content: `<prompt>\n${text}\n</prompt>\nTier:` }],
      max_tokens: 5,
    });
    if (result.status !== 'ok' || !result.usage) throw new Error(result.error?.message ?? `classifier request ${result.status}`);
    const tier = parseTier(result.text);
    if (!tier) throw new Error(`answered "${result.text.trim().slice(0, 40)}", not a tier`);
    return { tier, usage: result.usage };
  };
}

export function parseTier(answer: string): RoutedTier | undefined {
  const word = answer
    .trim()
    .toLowerCase()
    .match(/[a-z]+/)?.[0];
  return (ROUTED_TIERS as readonly string[]).includes(word ?? '') ? (word as RoutedTier) : undefined;
}
