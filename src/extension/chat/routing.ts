import type { ChatRouter } from '../../core/chat/engine.js';
import { defaultChatRouter } from '../../core/chat/router.js';
import { withTierModels, type PriceTable } from '../../core/prices/priceTable.js';
import { parseRouterConfig, type RouterConfig } from '../../core/router/config.js';
import type { ModelClassifier } from '../../core/router/route.js';
import type { TallySettings } from '../settings.js';

// Pure: turns the user's tally.* routing settings into the core router's config, so the
// extension routes exactly as the CLI does (rules, keywords, allow-list with its reasons).

/** The price table with the tier → model mapping from tally.models.*, so "sonnet" means the user's Sonnet everywhere. */
export function tableWithTierModels(table: PriceTable, settings: TallySettings): PriceTable {
  return withTierModels(table, settings.models);
}

const configs = new WeakMap<TallySettings, RouterConfig>();

/**
 * The settings as a RouterConfig, validated by the core's own parser (the settings were
 * validated already, so this does not throw for values resolveSettings/checkAllowList let through).
 * Built once per settings snapshot: rules are compiled once, not per keystroke.
 */
export function routerConfigFrom(settings: TallySettings): RouterConfig {
  const cached = configs.get(settings);
  if (cached) return cached;
  const { mode, allowList, rules } = settings.routing;
  const file = {
    mode,
    models: settings.models,
    classifierModel: settings.models.haiku,
    rules,
    ...(allowList.length > 0 ? { allowList } : {}),
  };
  const config = parseRouterConfig(JSON.stringify(file), 'tally.routing');
  configs.set(settings, config);
  return config;
}

/** The core chat router with the workspace's rules and allow-list; in 'model' mode `classify` asks the cheap model before each send. */
export function chatRouterFor(table: PriceTable, settings: TallySettings, classify?: ModelClassifier): ChatRouter {
  return defaultChatRouter(table, routerConfigFrom(settings), classify ? { classify } : {});
}
