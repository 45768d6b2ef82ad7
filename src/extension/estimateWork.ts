import { chatRouterFor, tableWithTierModels } from './chat/routing.js';
import type { ComputedEstimate, EditorPrompt } from './estimateStatus.js';
import type { TallyServices } from './services.js';
import { tierEstimates } from './selectionEstimate.js';

// Loaded on the first selection (dynamic import): the estimator's word tables and the router
// stay out of activation.

export { statusText } from './selectionEstimate.js';

export function computeEstimate(services: TallyServices, prompt: EditorPrompt): ComputedEstimate {
  const settings = services.settings();
  const table = tableWithTierModels(services.priceTable(), settings);
  const decision = chatRouterFor(table, settings).route({ prompt: prompt.text });
  return { prompt, tiers: tierEstimates(table, settings.models, prompt.text, Date.now()), recommended: decision.tier, reasons: decision.reasons };
}
