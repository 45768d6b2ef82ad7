import type { PriceTable } from '../prices/priceTable.js';
import { classifyLocally } from '../router/classify.js';
import type { ChatRouter } from './engine.js';

/** Used only until the router's public entry (routePrompt, chooseModelWithCache) lands. */
const STAND_IN_MAX_TOKENS = 4096;

/** The router the CLI and extension give the engine. */
export function defaultChatRouter(table: PriceTable): ChatRouter {
  return {
    route(input) {
      const classification = classifyLocally(input);
      return {
        tier: classification.tier,
        model: table.tierDefaults[classification.tier],
        score: classification.score,
        reasons: classification.reasons,
        maxTokens: STAND_IN_MAX_TOKENS,
        taskClass: classification.taskClass,
      };
    },
    chooseWithCache: ({ decision }) => ({ model: decision.model, tier: decision.tier, reasons: decision.reasons, expectedUsd: 0 }),
  };
}
