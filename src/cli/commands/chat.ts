import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMessagesClient } from '../../core/anthropic/client.js';
import { budgetRefusal, openBudgetGuard, parseBudget } from '../../core/budget/index.js';
import { CACHE_TTL_SETTINGS, type CacheTtlSetting } from '../../core/cache/ttl.js';
import { Conversation } from '../../core/chat/conversation.js';
import { ChatEngine, type TurnResult } from '../../core/chat/engine.js';
import { defaultChatRouter } from '../../core/chat/router.js';
import { parseChatScript } from '../../core/chat/script.js';
import { thinkTimesFromLedger } from '../../core/chat/thinkTime.js';
import { ApiError, InputError } from '../../core/errors.js';
import { formatTokens, formatUsd } from '../../core/format.js';
import { createModelClassifier, defaultRouterConfig, parseRouterConfig } from '../../core/router/index.js';
import { openLedger, resolveLedgerDir } from '../../core/ledger/index.js';
import { roundUsd, utcDate } from '../../core/prices/cost.js';
import { parseFlags, parseNumberFlag, writeJson, type Command } from '../command.js';
import { readTextFile, type CliIO } from '../io.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE =
  'tally chat --script FILE [--base-url URL] [--ledger DIR] [--workspace DIR] [--daily-budget USD] [--monthly-budget USD] [--time-scale N] [--cache-ttl auto|5m|1h|1h+5m] [--history-budget TOKENS] [--router-config FILE] [--json]';

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
        'daily-budget': { type: 'string' },
        'monthly-budget': { type: 'string' },
        'time-scale': { type: 'string' },
        'cache-ttl': { type: 'string' },
        'history-budget': { type: 'string' },
        json: { type: 'boolean' },
        prices: { type: 'string' },
        'router-config': { type: 'string' },
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
    const budget = parseBudget(
      {
        dailyUsd: parseNumberFlag(values['daily-budget'], 'daily-budget') ?? null,
        monthlyUsd: parseNumberFlag(values['monthly-budget'], 'monthly-budget') ?? null,
      },
      'budget flags',
    );
    const historyBudget = parseNumberFlag(values['history-budget'], 'history-budget', { min: 1, integer: true });
    const table = loadPriceTable(values.prices, io.env);
    const workspaceDir = resolve(values.workspace ?? process.cwd());

    // --time-scale N: Tally's clock runs N times faster (cache expiry, budget day), pauses are N times shorter.
    const startedAt = Date.now();
    const clock = () => startedAt + (Date.now() - startedAt) * timeScale;
    const client = createMessagesClient({
      apiKey: io.env['ANTHROPIC_API_KEY'] ?? '',
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    });
    const routerConfig = values['router-config']
      ? parseRouterConfig(readTextFile(values['router-config']), values['router-config'])
      : defaultRouterConfig;
    const ledgerDir = resolveLedgerDir(values.ledger, io.env, homedir(), process.platform);
    const ledger = openLedger(ledgerDir, { now: clock, priceTable: table });
    ledger.checkWritable();
    // How this user pauses between questions, from the last 30 days of chats in this workspace ('auto' TTLs start from it).
    const recent = ledger.query({ workspace: workspaceDir, since: utcDate(clock() - 30 * 86_400_000) }).entries;
    const engine = new ChatEngine({
      client,
      priceTable: table,
      ledger,
      budgetGuard: openBudgetGuard(ledgerDir, ledger, { now: clock }),
      router: defaultChatRouter(table, routerConfig, { classify: createModelClassifier(client, routerConfig.classifierModel), clock }),
      workspace: { path: workspaceDir, name: basename(workspaceDir) },
      clock,
      source: 'cli',
      cacheTtl,
      budget,
      thinkTimesMs: thinkTimesFromLedger(recent),
      ...(historyBudget ? { compression: { historyBudgetTokens: historyBudget } } : {}),
    });

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
        report(io, result, values.json ?? false);
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

function report(io: CliIO, result: TurnResult, json: boolean): void {
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
      usage: result.usage,
      usageEstimated: result.usageProblem !== null,
      usd: result.usd,
      cacheReadTokens: result.cacheReadTokens,
      cacheWriteTokens: result.cacheWriteTokens,
      savedUsd: result.savedUsd,
    });
    return;
  }
  io.stdout(
    `turn ${result.turn}: ${result.model} ${formatUsd(result.usd)} (estimate ${formatUsd(result.estimateUsd)}), ` +
      `cache read ${formatTokens(result.cacheReadTokens)} write ${formatTokens(result.cacheWriteTokens)}, saved ${formatUsd(result.savedUsd)}\n` +
      `  why: ${result.reasons.join('; ')}\n`,
  );
}
