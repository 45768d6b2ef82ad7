import type { BudgetDecision } from '../../core/budget/index.js';
import type { ChatEngine } from '../../core/chat/engine.js';
import { rememberedCache } from '../../core/cache/memory.js';
import { createChatStack, type ChatStack, type ChatStackSettings } from '../../core/chat/stack.js';
import type { LedgerSource } from '../../core/ledger/index.js';
import type { CacheModel } from '../../core/cache/state.js';
import type { Notice } from '../../protocol/chat.js';
import { STORAGE_KEYS } from '../storageKeys.js';
import type { KeyValueStore } from './conversationStore.js';
import type { TallyServices, TallySettings } from '../services.js';
import { routerConfigFrom } from './routing.js';

/** Restricted Mode: Tally shows estimates, spend and budgets, and sends nothing until the workspace is trusted. */
export function untrustedNotice(): Notice {
  return {
    kind: 'untrusted',
    message: 'Restricted Mode: Tally shows estimates and spend here, but sends no requests until you trust this workspace.',
    action: 'workbench.trust.manage',
  };
}

export function missingKeyNotice(): Notice {
  return {
    kind: 'noKey',
    message: "No Anthropic API key yet. Set one (it is kept in VS Code's secret storage), or start VS Code with ANTHROPIC_API_KEY set.",
    action: 'tally.setApiKey',
  };
}

const stackSettings = new WeakMap<TallySettings, ChatStackSettings>();

/** The extension's settings as the chat stack takes them, built once per settings snapshot (so "changed" is an identity check). */
function settingsForStack(settings: TallySettings): ChatStackSettings {
  let converted = stackSettings.get(settings);
  if (!converted) {
    converted = {
      models: settings.models,
      router: routerConfigFrom(settings),
      budget: { ...settings.budget },
      apiBaseUrl: settings.apiBaseUrl,
      cacheTtl: settings.cacheTtl,
    };
    stackSettings.set(settings, converted);
  }
  return converted;
}

/** The chat stack for this window: the extension's side of the host interface the CLI also implements. */
export function extensionChatStack(
  services: TallyServices,
  source: LedgerSource,
  confirm: (decision: BudgetDecision) => Promise<boolean>,
  cache?: CacheModel,
): ChatStack {
  return createChatStack({
    ...(cache ? { cache } : {}),
    apiKey: () => services.getApiKey(),
    settings: () => settingsForStack(services.settings()),
    priceTable: () => services.priceTable(),
    ledger: () => ({ ledger: services.ledger(), guard: services.budgetGuard() }),
    workspace: () => services.workspace(),
    clock: Date.now,
    source,
    confirm,
  });
}

/** The engine, or the notice saying why nothing can be sent. */
export async function engineOrNotice(stack: ChatStack, services: TallyServices): Promise<ChatEngine | Notice> {
  if (!services.isTrusted()) return untrustedNotice();
  const engine = await stack.engine();
  return engine === 'no-key' ? missingKeyNotice() : engine;
}

/** Why nothing can be sent right now, before the user tries. */
export async function sendingBlocked(services: TallyServices): Promise<Notice | undefined> {
  if (!services.isTrusted()) return untrustedNotice();
  return (await services.getApiKey()) ? undefined : missingKeyNotice();
}

let windowCache: CacheModel | undefined;

/**
 * The window's one cache model: Tally's panel, its side bar view and @tally read and update the same
 * picture of what is warm, kept in VS Code's workspace state so it survives a window reload.
 */
export function windowCacheModel(state: KeyValueStore): CacheModel {
  windowCache ??= rememberedCache(
    {
      load: () => state.get<unknown>(STORAGE_KEYS.cacheModel),
      save: (entries) => void state.update(STORAGE_KEYS.cacheModel, entries),
    },
    Date.now,
  );
  return windowCache;
}
