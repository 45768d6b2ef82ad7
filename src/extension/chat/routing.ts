import type { ChatRouter } from '../../core/chat/engine.js';
import type { PriceTable } from '../../core/prices/priceTable.js';
import { ROUTER_TIERS, type RouterTier } from '../../core/router/types.js';
import type { TallySettings } from '../settings.js';

// Pure: applies the user's tally.* routing settings around the core router.

/** The price table with the tier → model mapping from tally.models.*, so "sonnet" means the user's Sonnet everywhere. */
export function tableWithTierModels(table: PriceTable, settings: TallySettings): PriceTable {
  return { ...table, tierDefaults: { ...table.tierDefaults, ...settings.models } };
}

/**
 * Workspace rules win over the classifier (and say so); the allow-list is never left: a tier
 * whose model is not allowed moves up to the next allowed tier, never down (under-routing hurts
 * more than over-routing), and down only when nothing above is allowed.
 */
export function withWorkspaceRouting(router: ChatRouter, settings: TallySettings): ChatRouter {
  const rules = settings.routing.rules.map((rule) => ({ ...rule, regex: new RegExp(rule.pattern, 'i') }));
  const allowed = (tier: RouterTier) => settings.routing.allowList.length === 0 || settings.routing.allowList.includes(settings.models[tier]);
  return {
    route(input) {
      const decision = router.route(input);
      const rule = rules.find((r) => r.regex.test(input.prompt));
      let tier: RouterTier = rule ? rule.tier : decision.tier;
      const reasons = rule ? [`workspace rule "${rule.pattern}" → ${rule.tier}`] : [...decision.reasons];
      if (!allowed(tier)) {
        const rank = ROUTER_TIERS.indexOf(tier);
        const up = ROUTER_TIERS.slice(rank + 1).find(allowed);
        const down = [...ROUTER_TIERS.slice(0, rank)].reverse().find(allowed);
        const replacement = up ?? down;
        if (replacement) {
          reasons.push(`${settings.models[tier]} is not in tally.routing.allowList; using ${settings.models[replacement]}`);
          tier = replacement;
        }
      }
      return { ...decision, tier, model: settings.models[tier], reasons, ...(rule ? { ruleApplied: rule.pattern } : {}) };
    },
    chooseWithCache: (input) => router.chooseWithCache(input),
  };
}
