import type { ContextFile } from '../../core/chat/conversation.js';
import { CACHE_TTL_SETTINGS, type CacheTtlSetting } from '../../core/cache/ttl.js';
import { InputError } from '../../core/errors.js';
import { estimatePlainRequest, fixedAnswerLength, type RequestEstimate } from '../../core/estimate/index.js';
import { formatTable, formatTokens, formatUsd } from '../../core/format.js';
import { resolveModel } from '../../core/prices/priceTable.js';
import { defaultRouterConfig, routePrompt, type RouteDecision } from '../../core/router/index.js';
import { parseFlags, parseNumberFlag, writeJson, type Command } from '../command.js';
import { readTextFile, readTextInput } from '../io.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE =
  'tally estimate [FILE|-] [--system FILE] [--context FILE]... [--models a,b,c] [--output-tokens N] [--cache-ttl auto|5m|1h|1h+5m] [--json] [--prices FILE]';

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
    const ttl = (values['cache-ttl'] ?? 'auto') as CacheTtlSetting;
    if (!CACHE_TTL_SETTINGS.includes(ttl))
      throw new InputError(`--cache-ttl expects one of ${CACHE_TTL_SETTINGS.join(', ')}, got "${ttl}"`);
    const message = await readTextInput(io, positionals[0], 'prompt');
    const context: ContextFile[] = (values.context ?? []).map((path) => ({ path, text: readTextFile(path) }));
    const system = values.system ? readTextFile(values.system) : '';
    const outputTokens = parseNumberFlag(values['output-tokens'], 'output-tokens', { integer: true });
    const routed = routePrompt({ prompt: message, attachedFiles: context.length }, defaultRouterConfig, table);
    const nowMs = Date.now();
    const estimates = models.map((model) =>
      estimatePlainRequest(
        table,
        model,
        { system, context, message },
        {
          nowMs,
          ttl,
          taskClass: routed.taskClass,
          maxTokens: Math.min(routed.maxTokens, model.maxOutput),
          ...(outputTokens !== undefined ? { answers: fixedAnswerLength(outputTokens) } : {}),
        },
      ),
    );
    const recommendation = { tier: routed.tier, model: routed.model, reasons: routed.reasons };
    if (values.json) writeJson(io, { estimates: estimates.map(jsonOf), recommendation });
    else io.stdout(renderTable(estimates, routed));
    return 0;
  },
};

function jsonOf(estimate: RequestEstimate) {
  const { model, output } = estimate;
  return {
    model: model.id,
    tier: model.tier,
    family: model.family,
    inputTokens: estimate.inputTokens,
    prefixTokens: estimate.prefixTokens,
    outputTokens: output.typical,
    outputRange: { low: output.low, high: output.high, worst: output.worst, source: output.source },
    exact: estimate.exact,
    cacheable: estimate.inputTokens >= model.minCacheableTokens,
    cacheTtl: estimate.ttl.prefix === estimate.ttl.turn ? estimate.ttl.turn : `${estimate.ttl.prefix}+${estimate.ttl.turn}`,
    firstSend: estimate.firstSend,
    warmResend: estimate.warmResend,
    noCache: estimate.noCache,
    usdLow: estimate.usd.low,
    usdHigh: estimate.usd.high,
    usdWorst: estimate.usd.worst,
  };
}

/** The router's pick is marked with "→"; if it is not among the listed models, a line says which it is. */
function renderTable(estimates: RequestEstimate[], routed: RouteDecision): string {
  const rows = estimates.map((e) => [
    `${e.model.id === routed.model ? '→ ' : '  '}${e.model.id}`,
    e.model.tier,
    formatTokens(e.inputTokens),
    e.output.low === e.output.high ? formatTokens(e.output.typical) : `${formatTokens(e.output.low)}-${formatTokens(e.output.high)}`,
    formatUsd(e.noCache.usd.total),
    formatUsd(e.firstSend.usd.total),
    formatUsd(e.warmResend.usd.total),
  ]);
  const listed = estimates.some((e) => e.model.id === routed.model);
  const note = `${listed ? '→' : 'router recommends'} ${routed.model} (${routed.tier}): ${routed.reasons.join('; ')}\n`;
  const first = estimates[0];
  const assumptions = first
    ? `Offline token estimate; costs with a ${formatTokens(first.output.typical)}-token answer (${first.output.source === 'prior' ? `typical for "${routed.taskClass}"` : 'your median'}).\n`
    : '';
  return formatTable(['  model', 'tier', 'input', 'output', 'no cache', 'first send', 'warm cache'], rows) + note + assumptions;
}
