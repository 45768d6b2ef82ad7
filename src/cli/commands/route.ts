import * as v from 'valibot';
import { parseRouterConfig, defaultRouterConfig, routePrompt, type RouteDecision, type RouterConfig } from '../../core/router/index.js';
import { parseFlags, writeJson, type Command } from '../command.js';
import { eachJsonLine, readTextFile, readTextInput, type CliIO } from '../io.js';
import { loadPriceTable } from '../priceTable.js';
import type { PriceTable } from '../../core/prices/priceTable.js';

const USAGE = 'tally route [FILE|-] [--jsonl] [--config FILE] [--json] [--prices FILE]';

const JsonlLine = v.looseObject({
  id: v.union([v.string(), v.number()], 'must be a string or a number'),
  prompt: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
});

export const routeCommand: Command = {
  summary: 'which model tier a prompt needs, and why (--jsonl for batches)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      { jsonl: { type: 'boolean' }, config: { type: 'string' }, json: { type: 'boolean' }, prices: { type: 'string' } },
      USAGE,
    );
    const table = loadPriceTable(values.prices, io.env);
    const config = values.config ? parseRouterConfig(readTextFile(values.config), values.config) : defaultRouterConfig;
    if (config.mode === 'model') io.stderr('tally route: mode "model" needs the chat engine\'s classifier call; routing locally\n');
    if (values.jsonl) return routeLines(positionals[0], config, table, io);
    const text = await readTextInput(io, positionals[0], 'prompt');
    const decision = routePrompt({ prompt: text }, config, table);
    if (values.json) writeJson(io, decision);
    else io.stdout(renderDecision(decision));
    return 0;
  },
};

/** One decision per {"id","prompt"} line; bad lines are reported by number and the rest still routed. */
function routeLines(file: string | undefined, config: RouterConfig, table: PriceTable, io: CliIO): Promise<number> {
  return eachJsonLine(io, file, 'route', (raw) => {
    const parsed = v.safeParse(JsonlLine, raw);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const field = issue.path?.map((item) => String(item.key)).join('.') ?? '(top level)';
      return issue.input === undefined ? `missing "${field}"` : `${field}: ${issue.message}`;
    }
    const { tier, model, score, reasons } = routePrompt({ prompt: parsed.output.prompt }, config, table);
    writeJson(io, { id: parsed.output.id, tier, model, score, reasons });
    return undefined;
  });
}

function renderDecision(decision: RouteDecision): string {
  const lines = [
    `tier        ${decision.tier} → ${decision.model}`,
    `score       ${decision.score.toFixed(3)}  (0 mechanical … 1 frontier)`,
    `max_tokens  ${decision.maxTokens}  (${decision.taskClass})`,
    ...(decision.ruleApplied ? [`rule        ${decision.ruleApplied}`] : []),
    'why',
    ...decision.reasons.map((reason) => `  - ${reason}`),
  ];
  return `${lines.join('\n')}\n`;
}
