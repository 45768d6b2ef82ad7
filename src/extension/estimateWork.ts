import { chatRouterFor, tableWithTierModels } from './chat/routing.js';
import type { ComputedEstimate, EditorPrompt } from './selectionEstimate.js';
import { PromptTokens, routerInput } from './promptTokens.js';
import type { TallyServices } from './services.js';
import { tierEstimatesFromCounts } from './selectionEstimate.js';

// Loaded on the first selection (dynamic import): the estimator's word tables and the router
// stay out of activation.

export { PromptTokens } from './promptTokens.js';

/** Counts come from `tokens` (recounting only what changed since its last call for this text). */
export function computeEstimate(
  services: TallyServices,
  prompt: EditorPrompt,
  tokens: PromptTokens = new PromptTokens(),
): ComputedEstimate {
  const settings = services.settings();
  const table = tableWithTierModels(services.priceTable(), settings);
  const counts = tokens.counts(prompt.key, prompt.text);
  const decision = chatRouterFor(table, settings).route(routerInput(prompt.text, counts('v5')));
  return {
    prompt,
    tiers: tierEstimatesFromCounts(table, settings.models, counts, Date.now()),
    recommended: decision.tier,
    reasons: decision.reasons,
  };
}
