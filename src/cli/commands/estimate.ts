import { InputError } from '../../core/errors.js';
import { TYPICAL_ANSWER_TOKENS, estimateRequest, type ContextFile, type ModelEstimate } from '../../core/estimate.js';
import { formatTable, formatTokens, formatUsd } from '../../core/format.js';
import { resolveModel } from '../../core/prices/priceTable.js';
import { utcDate } from '../../core/prices/cost.js';
import { defaultRouterConfig, routePrompt, type RouteDecision } from '../../core/router/index.js';
import { parseFlags, parseNumberFlag, writeJson, type Command } from '../command.js';
import { readTextFile, readTextInput } from '../io.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE =
  'tally estimate [FILE|-] [--system FILE] [--context FILE]... [--models a,b,c] [--output-tokens N] [--cache-ttl 5m|1h] [--json] [--prices FILE]';

export const estimateCommand: Command = {
  summary: 'cost of a prompt on each model: first send, warm cache, no cache',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      {
        system: { type: 'string' },
        context: { type: 'string', multiple: true },
        models: { type: 'string' },
        'output-tokens': { type: 'string' },
        'cache-ttl': { type: 'string' },
        json: { type: 'boolean' },
        prices: { type: 'string' },
      },
      USAGE,
    );
    const table = loadPriceTable(values.prices, io.env);
    const modelNames = values.models
      ? values.models
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean)
      : ['haiku', 'sonnet', 'opus'];
    const models = modelNames.map((name) => resolveModel(table, name));
    const cacheTtl = values['cache-ttl'] ?? '5m';
    if (cacheTtl !== '5m' && cacheTtl !== '1h') throw new InputError(`--cache-ttl expects 5m or 1h, got "${cacheTtl}"`);
    const message = await readTextInput(io, positionals[0], 'prompt');
    const context: ContextFile[] = (values.context ?? []).map((path) => ({ path, text: readTextFile(path) }));
    const request = {
      message,
      context,
      outputTokens: parseNumberFlag(values['output-tokens'], 'output-tokens', { integer: true }) ?? TYPICAL_ANSWER_TOKENS,
      cacheTtl,
      ...(values.system ? { system: readTextFile(values.system) } : {}),
    } as const;
    const estimates = estimateRequest(table, models, request, utcDate(Date.now()));
    const contextTokens = estimates[0] ? estimates[0].prefixTokens : 0;
    const routed = routePrompt({ prompt: message, contextTokens, attachedFiles: context.length }, defaultRouterConfig, table);
    const recommendation = { tier: routed.tier, model: routed.model, reasons: routed.reasons };
    if (values.json) writeJson(io, { estimates, recommendation });
    else io.stdout(renderTable(estimates, routed));
    return 0;
  },
};

/** The router's pick is marked with "→"; if it is not among the listed models, a line says which it is. */
function renderTable(estimates: ModelEstimate[], routed: RouteDecision): string {
  const rows = estimates.map((e) => [
    `${e.model === routed.model ? '→ ' : '  '}${e.model}`,
    e.tier,
    formatTokens(e.inputTokens),
    formatTokens(e.outputTokens),
    formatUsd(e.noCache.usd.total),
    formatUsd(e.firstSend.usd.total),
    formatUsd(e.warmResend.usd.total),
  ]);
  const listed = estimates.some((e) => e.model === routed.model);
  const note = `${listed ? '→' : 'router recommends'} ${routed.model} (${routed.tier}): ${routed.reasons.join('; ')}\n`;
  return formatTable(['  model', 'tier', 'input', 'output', 'no cache', 'first send', 'warm cache'], rows) + note;
}
