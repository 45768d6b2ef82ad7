// The window's side of the language-model pipeline: settings, prices, the one ledger and its budget
// guard from the host services, a client for the current key. Loaded on the first request.
import { createMessagesClient, type MessagesClient } from '../../core/anthropic/client.js';
import { withTierModels } from '../../core/prices/priceTable.js';
import { missingKeyNotice, untrustedNotice } from '../chat/chatHost.js';
import { routerConfigFrom } from '../chat/routing.js';
import type { TallyServices } from '../services.js';
import { LmPipeline } from './send.js';

export function createLmPipeline(services: TallyServices): LmPipeline {
  let client: { key: string; baseUrl: string | null; client: MessagesClient } | undefined;
  return new LmPipeline({
    table: () => withTierModels(services.priceTable(), services.settings().models),
    models: () => services.settings().models,
    routerConfig: () => routerConfigFrom(services.settings()),
    budget: () => services.settings().budget,
    ledger: () => services.ledger(),
    guard: () => services.budgetGuard(),
    workspace: () => services.workspace(),
    clock: Date.now,
    onProblem: (message) => services.log.warn(message),
    async client() {
      if (!services.isTrusted()) return { blocked: untrustedNotice().message };
      const key = await services.getApiKey();
      if (!key) return { blocked: missingKeyNotice().message };
      const baseUrl = services.settings().apiBaseUrl;
      if (client?.key !== key || client.baseUrl !== baseUrl) {
        client = { key, baseUrl, client: createMessagesClient({ apiKey: key, ...(baseUrl ? { baseUrl } : {}) }) };
      }
      return client.client;
    },
  });
}
