import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { budgetRefusal } from '../../core/budget/index.js';
import { CACHE_TTL_SETTINGS, type CacheTtlSetting } from '../../core/cache/ttl.js';
import { Conversation } from '../../core/chat/conversation.js';
import type { TurnResult } from '../../core/chat/engine.js';
import { parseChatScript } from '../../core/chat/script.js';
import { createChatStack, type ChatStackSettings } from '../../core/chat/stack.js';
import { ApiError, InputError } from '../../core/errors.js';
import { formatTokens, formatUsd } from '../../core/format.js';
import { defaultRouterConfig, parseRouterConfig } from '../../core/router/index.js';
import { resolveLedgerDir, sharedLedger } from '../../core/ledger/index.js';
import { priceUsage, roundUsd, utcDate, type Usage } from '../../core/prices/cost.js';
import type { PriceTable } from '../../core/prices/priceTable.js';
import type { ModelInfo } from '../../core/prices/schema.js';
import { BUDGET_FLAGS, parseBudgetFlags, parseFlags, parseNumberFlag, writeJson, type Command, cliTimeZone } from '../command.js';
import { readTextFile, type CliIO } from '../io.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE =
  'tally chat --script FILE [--base-url URL] [--ledger DIR] [--workspace DIR] [--daily-budget USD] [--monthly-budget USD] [--time-scale N] [--cache-ttl auto|5m|1h|1h+5m] [--history-budget TOKENS] [--router-config FILE] [--no-exact] [--json]';

export const chatCommand: Command = {
  summary: 'run a scripted conversation through router, prompt cache, budgets and ledger',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseFlags(
      args,
      {
        script: { type: 'string' },
        'base-url': { type: 'string' },
        ledger: { type: 'string' },
        workspace: { type: 'string' },
        ...BUDGET_FLAGS,
        'time-scale': { type: 'string' },
        'cache-ttl': { type: 'string' },
        'history-budget': { type: 'string' },
        json: { type: 'boolean' },
        prices: { type: 'string' },
        'router-config': { type: 'string' },
        'no-exact': { type: 'boolean' },
      },
      USAGE,
    );
    if (!values.script) throw new InputError(`--script FILE is required\nusage: ${USAGE}`);
    const script = parseChatScript(readTextFile(values.script), values.script);
    const timeScale = parseNumberFlag(values['time-scale'], 'time-scale', { min: 0.001, max: 1_000_000 }) ?? 1;
    // 'auto' by default: it learns the user's pauses, which a fixed TTL cannot (see README, prompt caching).
    const cacheTtl = (values['cache-ttl'] ?? 'auto') as CacheTtlSetting;
    if (!CACHE_TTL_SETTINGS.includes(cacheTtl))
      throw new InputError(`--cache-ttl expects one of ${CACHE_TTL_SETTINGS.join(', ')}, got "${cacheTtl}"`);
    const budget = parseBudgetFlags(values);
    const historyBudget = parseNumberFlag(values['history-budget'], 'history-budget', { min: 1, integer: true });
    const table = loadPriceTable(values.prices, io.env);
    const workspaceDir = resolve(values.workspace ?? process.cwd());

    // --time-scale N: Tally's clock runs N times faster (cache expiry, budget day), pauses are N times shorter.
    const startedAt = Date.now();
    const clock = () => startedAt + (Date.now() - startedAt) * timeScale;
    const routerConfig = values['router-config']
      ? parseRouterConfig(readTextFile(values['router-config']), values['router-config'])
      : defaultRouterConfig;
    const ledgerDir = resolveLedgerDir(values.ledger, io.env, homedir(), process.platform);
    const shared = sharedLedger(ledgerDir, table, { now: clock, timeZone: cliTimeZone(io.env) });
    shared.ledger.checkWritable();
    const settings: ChatStackSettings = {
      models: { ...routerConfig.models },
      router: routerConfig,
      budget,
      apiBaseUrl: values['base-url'] ?? null,
      cacheTtl,
      ...(historyBudget ? { compression: { historyBudgetTokens: historyBudget } } : {}),
    };
    const stack = createChatStack({
      apiKey: async () => io.env['ANTHROPIC_API_KEY']?.trim() || undefined,
      settings: () => settings,
      priceTable: () => table,
      ledger: () => shared,
      workspace: () => ({ path: workspaceDir, name: basename(workspaceDir) }),
      clock,
      source: 'cli',
      exactCounts: !values['no-exact'],
    });
    const engine = await stack.engine();
    if (engine === 'no-key')
      throw new InputError('no Anthropic API key: set ANTHROPIC_API_KEY (in VS Code: "Tally: Set Anthropic API Key")');

    const conversation = new Conversation(`cli-${startedAt.toString(36)}`, script.system, script.context);
    const summary = { turns: 0, usd: 0, uncachedUsd: 0, savedUsd: 0 };
    const finish = () => {
      const rounded = {
        turns: summary.turns,
        usd: roundUsd(summary.usd),
        uncachedUsd: roundUsd(summary.uncachedUsd),
        savedUsd: roundUsd(summary.savedUsd),
      };
      if (values.json) writeJson(io, { summary: rounded });
      else
        io.stdout(
          `total: ${rounded.turns} turns, ${formatUsd(rounded.usd)} (uncached ${formatUsd(rounded.uncachedUsd)}, caching saved ${formatUsd(rounded.savedUsd)})\n`,
        );
    };
    // Ctrl-C cancels the turn in flight; it is still recorded (status aborted, usage so far).
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    try {
      for (const turn of script.turns) {
        if (turn.pauseSeconds > 0)
          await sleep((turn.pauseSeconds * 1000) / timeScale, undefined, { signal: controller.signal }).catch(() => undefined);
        if (controller.signal.aborted) break;
        const result = await engine.sendTurn(conversation, {
          user: turn.user,
          model: turn.model,
          context: turn.context,
          signal: controller.signal,
        });
        if (result.status === 'refused' || result.status === 'declined') {
          finish();
          throw budgetRefusal(result.budget);
        }
        summary.turns++;
        // A history summary is spend too (it has no cache to save on, so it counts the same in both).
        const summaryUsd = result.trimmed?.usd ?? 0;
        summary.usd += result.usd + summaryUsd;
        summary.uncachedUsd += result.uncachedUsd + summaryUsd;
        summary.savedUsd += result.savedUsd;
        report(io, result, values.json ?? false, table);
        if (result.status === 'error') {
          finish();
          throw result.error ?? new ApiError(`turn ${result.turn} failed`);
        }
        if (result.usageProblem) {
          finish();
          throw new ApiError(
            `turn ${result.turn}: the API's usage report was not usable (${result.usageProblem}); Tally recorded its own estimate, flagged usageEstimated`,
          );
        }
      }
    } finally {
      process.removeListener('SIGINT', cancel);
    }
    finish();
    if (controller.signal.aborted) {
      io.stderr('tally chat: cancelled\n');
      return 130;
    }
    return 0;
  },
};

/** What a turn's prompt was billed (everything but the answer), to set beside what was estimated. */
function billedInputUsd(table: PriceTable, model: ModelInfo, usage: Usage, nowMs: number): number {
  const billed = priceUsage(table, model, usage, { date: utcDate(nowMs) });
  return billed.total - billed.output;
}

function report(io: CliIO, result: TurnResult, json: boolean, table: PriceTable): void {
  if (result.ledgerProblem) io.stderr(`tally chat: ${result.ledgerProblem}\n`);
  if (result.budget.action === 'warn' && result.budget.message) io.stderr(`tally chat: ${result.budget.message}\n`);
  if (result.trimmed) {
    const turns = result.trimmed.summary.turns;
    io.stderr(
      `tally chat: history over budget: turns ${turns[0]}-${turns.at(-1)} now sent as a summary (${formatUsd(result.trimmed.usd)} on the cheap tier)\n`,
    );
  }
  if (json) {
    writeJson(io, {
      turn: result.turn,
      model: result.model,
      tier: result.tier,
      reasons: result.reasons,
      estimateUsd: result.estimateUsd,
      estimate: estimateJson(result),
      usage: result.usage,
      usageEstimated: result.usageProblem !== null,
      usd: result.usd,
      cacheReadTokens: result.cacheReadTokens,
      cacheWriteTokens: result.cacheWriteTokens,
      savedUsd: result.savedUsd,
    });
    return;
  }
  const { estimate } = result;
  const input = result.usage ? billedInputUsd(table, estimate.model, result.usage, result.estimate.nowMs) : null;
  io.stdout(
    `turn ${result.turn}: ${result.model} ${formatUsd(result.usd)}, cache read ${formatTokens(result.cacheReadTokens)} ` +
      `write ${formatTokens(result.cacheWriteTokens)}, ${cacheEffect(result.savedUsd)}\n` +
      `  before sending: input ${formatUsd(estimate.usd.input)} (${estimate.exact ? "Anthropic's count" : 'offline estimate'}${input === null ? '' : `, billed ${formatUsd(input)}`}), ` +
      `answer ${formatUsd(estimate.usd.low - estimate.usd.input)}-${formatUsd(estimate.usd.high - estimate.usd.input)} for ${formatTokens(estimate.output.low)}-${formatTokens(estimate.output.high)} tokens\n` +
      `  why: ${result.reasons.join('; ')}\n`,
  );
}

/** What was estimated before the send, beside what was billed: other tools read this line. */
function estimateJson(result: TurnResult) {
  const { estimate } = result;
  return {
    inputTokens: estimate.inputTokens,
    inputUsd: roundUsd(estimate.usd.input),
    outputTokens: estimate.output.typical,
    outputUsd: roundUsd(estimate.next.usd.output),
    usd: roundUsd(estimate.usd.typical),
    usdLow: roundUsd(estimate.usd.low),
    usdHigh: roundUsd(estimate.usd.high),
    outputLow: estimate.output.low,
    outputHigh: estimate.output.high,
    exact: estimate.exact,
  };
}

/** What caching did to a turn: a saving, or the write premium paid for the turns that read it later. */
function cacheEffect(savedUsd: number): string {
  return savedUsd >= 0 ? `saved ${formatUsd(savedUsd)}` : `cache write +${formatUsd(-savedUsd)} (paid back when read)`;
}
