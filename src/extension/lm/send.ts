// One request of VS Code's Chat (or of another extension through vscode.lm) sent through the
// gateway's pipeline, in process: Tally's router for "Tally Auto", cache breakpoints on the stable
// prefix (VS Code resends the whole history each turn), the hard budget, then the stream, and one
// ledger entry with source 'vscode-chat' for every request that reached the server.
import type { MessagesClient, MessagesRequest, ToolUse } from '../../core/anthropic/client.js';
import type { Tool, ToolChoice } from '../../core/anthropic/sdk.js';
import type { Budget, BudgetGuard } from '../../core/budget/index.js';
import type { Ledger, LedgerEntry } from '../../core/ledger/index.js';
import { resolveModel, type PriceTable } from '../../core/prices/priceTable.js';
import type { RouterConfig } from '../../core/router/index.js';
import type { RoutedTier } from '../../core/tiers.js';
import { estimateTextTokens } from '../../core/tokens/estimator.js';
import { createBudgetGate } from '../../gateway/budgetGate.js';
import type { MeterReading } from '../../gateway/meter.js';
import { prepareRequest } from '../../gateway/prepare.js';
import { createRecorder } from '../../gateway/recorder.js';
import { AUTO_MODEL, GatewayRouter } from '../../gateway/routing.js';
import type { AnthropicConversation } from './messages.js';

/** "Tally Auto" (the router picks the tier) or one tier. */
export type LmModelChoice = 'auto' | RoutedTier;

export interface LmPipelineHost {
  /** The price table with the tier → model mapping applied. */
  table(): PriceTable;
  models(): Record<RoutedTier, string>;
  routerConfig(): RouterConfig;
  budget(): Budget;
  ledger(): Pick<Ledger, 'append'>;
  guard(): BudgetGuard;
  workspace(): { path: string; name: string };
  /** The client for the current key, or why there is none (no key, Restricted Mode). */
  client(): Promise<MessagesClient | { blocked: string }>;
  clock(): number;
  onProblem(message: string): void;
}

export interface LmSendInput {
  choice: LmModelChoice;
  conversation: AnthropicConversation;
  tools?: Tool[];
  tool_choice?: ToolChoice;
  /** The caller's max_tokens (modelOptions), else the router's for the task or DEFAULT_MAX_TOKENS on a fixed tier. */
  maxTokens?: number;
  signal?: AbortSignal;
  onText?: (delta: string) => void;
  onToolUse?: (call: ToolUse) => void;
}

export type LmSendResult =
  | { sent: false; message: string }
  | {
      sent: true;
      status: 'ok' | 'error' | 'aborted';
      model: string;
      tier: string;
      reasons: string[];
      /** The ledger entry written for it. */
      entry: LedgerEntry;
      error: string | null;
    };

/** On a fixed tier with no max_tokens asked for: room for a long answer or a tool call's input. */
export const DEFAULT_MAX_TOKENS = 8192;

export class LmPipeline {
  private router: { table: PriceTable; router: GatewayRouter } | undefined;

  constructor(private readonly host: LmPipelineHost) {}

  async send(input: LmSendInput): Promise<LmSendResult> {
    const { host } = this;
    const client = await host.client();
    if ('blocked' in client) return { sent: false, message: client.blocked };
    const table = host.table();
    const startedAt = host.clock();
    const workspace = host.workspace();
    const body: Record<string, unknown> = {
      model: input.choice === 'auto' ? AUTO_MODEL : host.models()[input.choice],
      messages: input.conversation.messages,
      ...(input.conversation.system.length > 0 ? { system: input.conversation.system } : {}),
      ...(input.tools ? { tools: input.tools } : {}),
      ...(input.tool_choice ? { tool_choice: input.tool_choice } : {}),
    };
    if (input.maxTokens !== undefined) body['max_tokens'] = input.maxTokens;
    else if (input.choice !== 'auto')
      body['max_tokens'] = Math.min(DEFAULT_MAX_TOKENS, resolveModel(table, String(body['model'])).maxOutput);

    const budget = host.budget();
    const prepared = await prepareRequest(
      { table, router: this.routerFor(table), gate: createBudgetGate(host.guard(), table, () => budget) },
      {
        endpoint: 'messages',
        raw: Buffer.from(JSON.stringify(body)),
        policy: { budget, loopGuardRepeats: null, routing: { config: host.routerConfig(), byRules: false }, placeCache: true },
        workspacePath: workspace.path,
        startedAt,
        exactPromptTokens: (json) => client.countTokens(json as unknown as MessagesRequest).catch(() => null),
      },
    );
    if (prepared.refused) return { sent: false, message: prepared.refused.message };
    try {
      const request = JSON.parse(prepared.send.toString('utf8')) as MessagesRequest;
      const result = await client.stream(request, {
        ...(input.onText ? { onText: input.onText } : {}),
        ...(input.onToolUse ? { onToolUse: input.onToolUse } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      const model = prepared.model();
      if (result.usage === null) {
        // Never reached the server (cancelled first, or no connection): nothing to record.
        return { sent: false, message: result.error?.message ?? 'cancelled before the request was sent' };
      }
      const usage = result.usage;
      const reading: MeterReading = {
        usage: { reading: () => ({ usage, estimated: result.usageEstimated, problem: result.usageProblem }) },
        messageId: result.messageId,
        model: result.model,
        outputText: result.text,
        sawDelta: true,
        completed: result.status === 'ok',
        errorType: null,
      };
      const entry = createRecorder({
        ledger: host.ledger(),
        priceTable: table,
        defaultModel: host.models().sonnet,
        onProblem: (message) => host.onProblem(message),
        source: 'vscode-chat',
      }).record({
        startedAt,
        durationMs: result.durationMs,
        workspace,
        client: 'vscode-chat',
        requestId: result.requestId,
        requestedModel: prepared.requestedModel,
        routed: prepared.routed,
        reasons: prepared.reasons,
        upstreamStatus: 200, // an error status already came back as zero usage
        reading,
        status: result.status,
        estimate: (outputText) => ({
          inputTokens: prepared.estimatePrompt(),
          outputTokens: outputText ? estimateTextTokens(outputText, model.family) : 0,
        }),
      });
      return {
        sent: true,
        status: result.status,
        model: entry.model,
        tier: model.tier,
        reasons: prepared.reasons,
        entry,
        error: result.error?.message ?? null,
      };
    } finally {
      prepared.release();
    }
  }

  /** One router per price table: it remembers each conversation's tier, so an agent's steps stay on one model (and its cache). */
  private routerFor(table: PriceTable): GatewayRouter {
    if (this.router?.table !== table) this.router = { table, router: new GatewayRouter(table) };
    return this.router.router;
  }
}
