import { createMessagesClient } from '../../core/anthropic/client.js';
import { openBudgetGuard, type BudgetGuard } from '../../core/budget/index.js';
import type { CacheModel } from '../../core/cache/state.js';
import { ChatEngine } from '../../core/chat/engine.js';
import { createModelClassifier } from '../../core/router/modelClassifier.js';
import { openLedger, type Ledger } from '../../core/ledger/index.js';
import type { Notice } from '../../protocol/chat.js';
import type { HostServices } from '../hostServices.js';
import { chatRouterFor, tableWithTierModels } from './routing.js';

/**
 * Builds the chat engine on first use and again whenever the key, settings or prices change
 * (they are fixed per engine). The cache model is shared, so a rebuild forgets nothing warm.
 */
export function missingKeyNotice(): Notice {
  return {
    kind: 'noKey',
    message: "No Anthropic API key yet. Set one (it is kept in VS Code's secret storage), or start VS Code with ANTHROPIC_API_KEY set.",
    action: 'tally.setApiKey',
  };
}

/** Restricted Mode: Tally shows costs, spend and budgets, and sends nothing until the workspace is trusted. */
export function untrustedNotice(): Notice {
  return {
    kind: 'untrusted',
    message: 'Restricted Mode: Tally shows estimates and spend here, but sends no requests until you trust this workspace.',
    action: 'workbench.trust.manage',
  };
}

export function createEngineProvider(
  services: HostServices,
  cache: CacheModel,
  confirm: (message: string) => Promise<boolean>,
): () => Promise<ChatEngine | Notice> {
  let built: { engine: ChatEngine; key: string; settings: unknown; table: unknown; ledgerDir: string } | undefined;
  let ledger: { dir: string; ledger: Ledger } | undefined;

  const ledgerFor = (dir: string): Ledger => {
    if (ledger?.dir !== dir) ledger = { dir, ledger: openLedger(dir, { priceTable: services.priceTable() }) };
    return ledger.ledger;
  };
  let guard: { dir: string; guard: BudgetGuard } | undefined;
  const guardFor = (dir: string, store: Ledger): BudgetGuard => {
    if (guard?.dir !== dir) guard = { dir, guard: openBudgetGuard(dir, store) };
    return guard.guard;
  };

  return async () => {
    if (!services.isTrusted()) return untrustedNotice();
    const key = await services.getApiKey();
    if (!key) return missingKeyNotice();
    const settings = services.settings();
    const baseTable = services.priceTable();
    const ledgerDir = services.ledgerDirectory();
    if (built && built.key === key && built.settings === settings && built.table === baseTable && built.ledgerDir === ledgerDir)
      return built.engine;

    const table = tableWithTierModels(baseTable, settings);
    const store = ledgerFor(ledgerDir);
    const client = createMessagesClient({ apiKey: key, ...(settings.apiBaseUrl ? { baseUrl: settings.apiBaseUrl } : {}) });
    const engine = new ChatEngine({
      client,
      priceTable: table,
      ledger: {
        append: (entry) => {
          const result = store.append(entry);
          services.recordedSpend({ ts: entry.ts, model: entry.model, usd: entry.usd, status: entry.status });
          return result;
        },
        spend: (workspace) => store.spend(workspace),
        checkWritable: () => store.checkWritable(),
      },
      budgetGuard: guardFor(ledgerDir, store),
      router: chatRouterFor(table, settings, createModelClassifier(client, settings.models.haiku)),
      workspace: services.workspace(),
      source: 'chat',
      defaultModel: settings.models.sonnet,
      cacheTtl: settings.cacheTtl,
      budget: {
        dailyUsd: settings.budget.dailyUsd,
        monthlyUsd: settings.budget.monthlyUsd,
        warnAt: settings.budget.warnAt,
        confirmAboveUsd: settings.budget.confirmAboveUsd,
      },
      confirm: (decision) => confirm(decision.message),
      cache,
    });
    built = { engine, key, settings, table: baseTable, ledgerDir };
    return engine;
  };
}
