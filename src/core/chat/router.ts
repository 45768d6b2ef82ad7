import type { PriceTable } from '../prices/priceTable.js';
import { utcDate } from '../prices/cost.js';
import {
  chooseModelWithCache,
  defaultRouterConfig,
  routePrompt,
  routePromptAsync,
  type ModelClassifier,
  type RouterConfig,
} from '../router/index.js';
import type { ChatRouter } from './engine.js';

export interface ChatRouterOptions {
  /** The cheap model that classifies in 'model' mode (see createModelClassifier); without it, routing stays local. */
  classify?: ModelClassifier;
  clock?: () => number;
}

/** The router the CLI and extension give the engine: the classifier's tier and reasons, then the cache-aware switch rule within the allow-list. */
export function defaultChatRouter(
  table: PriceTable,
  config: RouterConfig = defaultRouterConfig,
  options: ChatRouterOptions = {},
): ChatRouter {
  const { classify, clock = Date.now } = options;
  return {
    route: (input) => routePrompt(input, config, table),
    ...(config.mode === 'model' && classify
      ? { routeForSend: (input) => routePromptAsync(input, config, table, { classify, date: utcDate(clock()) }) }
      : {}),
    chooseWithCache: (input) => {
      // A warm cache never pulls a turn outside the allow-list.
      const choice = chooseModelWithCache(config.allowList ? { ...input, allowedModels: config.allowList } : input);
      return { model: choice.model, tier: choice.tier, reasons: [...input.decision.reasons, ...choice.reasons] };
    },
  };
}
