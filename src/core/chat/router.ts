import type { PriceTable } from '../prices/priceTable.js';
import { chooseModelWithCache, defaultRouterConfig, routePrompt, type RouterConfig } from '../router/index.js';
import type { ChatRouter } from './engine.js';

/** The router the CLI and extension give the engine: the classifier's tier and reasons, then the cache-aware switch rule. */
export function defaultChatRouter(table: PriceTable, config: RouterConfig = defaultRouterConfig): ChatRouter {
  return {
    route: (input) => routePrompt(input, config, table),
    chooseWithCache: (input) => {
      const choice = chooseModelWithCache(input);
      return { model: choice.model, tier: choice.tier, reasons: [...input.decision.reasons, ...choice.reasons] };
    },
  };
}
