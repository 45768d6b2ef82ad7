// A long-running process that meters a scripted workload the way `tally gateway` does: each request goes to
// the (fake) Anthropic API through the real client, its usage becomes one ledger entry, and the entry is
// recorded as metrics right after the append (attachTelemetry + recordingLedger, loading dist/telemetry.js by
// path). Telemetry is configured only by the environment, as a user would.
//
//   node --import tsx test/unit/telemetryWorkload.ts --fake URL --ledger DIR
// stdout, one JSON line each: {"metricsUrl"} once ready; {"round", "requests"} after each "run" line on stdin.
// "exit" on stdin (or stdin closing) shuts telemetry down and exits 0.
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createMessagesClient } from '../../src/core/anthropic/client.js';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { attachTelemetry, recordingLedger } from '../../src/telemetry/attach.js';

const { values } = parseArgs({ options: { fake: { type: 'string' }, ledger: { type: 'string' } } });
const table = bundledPriceTable();
const client = createMessagesClient({ apiKey: 'sk-ant-workload', baseUrl: values.fake!, maxRetries: 0 });

const words = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed}${i % 97}`).join(' ');
/** Clients, workspaces and models a team's day mixes; a long cached system prompt gives cache writes and reads. */
const SCRIPT = [
  { client: 'claude-code', workspace: 'api', model: 'sonnet', turns: 3 },
  { client: 'cline', workspace: 'web', model: 'haiku', turns: 2 },
  { client: 'anthropic-sdk', workspace: 'api', model: 'opus', turns: 1 },
] as const;

async function main(): Promise<void> {
  const { telemetry, problems, config } = await attachTelemetry({
    env: process.env,
    bundlePath: resolve(__dirname, '../../dist/telemetry.js'),
    serviceName: 'tally-workload',
    priceTable: () => table,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (!telemetry) throw new Error(`telemetry is off: ${config.enabled ? '' : config.reason} ${problems.join('; ')}`);
  const ledger = recordingLedger(openLedger(values.ledger!, { priceTable: table }), telemetry);

  let requests = 0;
  let round = 0;
  async function runRound(): Promise<void> {
    round++;
    for (const step of SCRIPT) {
      const model = resolveModel(table, step.model);
      const system = [
        { type: 'text' as const, text: words(`${step.workspace}-system`, 2500), cache_control: { type: 'ephemeral' as const } },
      ];
      for (let turn = 0; turn < step.turns; turn++) {
        const startedAt = Date.now();
        const result = await client.stream({
          model: model.id,
          system,
          messages: [{ role: 'user', content: `round ${round} turn ${turn}: explain the failing test [[tokens:${40 + 20 * turn}]]` }],
          max_tokens: 512,
        });
        if (!result.usage) throw new Error(`request failed before usage: ${result.error?.message}`);
        ledger.append(
          buildLedgerEntry(table, {
            startedAt,
            workspace: { path: join('/work', step.workspace), name: step.workspace },
            source: 'gateway',
            client: step.client,
            model,
            defaultModel: resolveModel(table, 'sonnet'),
            usage: result.usage,
            requestId: result.requestId,
            status: result.status,
            durationMs: result.durationMs,
          }),
        );
        requests++;
      }
    }
  }

  console.log(JSON.stringify({ metricsUrl: telemetry.metricsUrl }));
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === 'exit') break;
    if (line.trim() === 'run') {
      await runRound();
      console.log(JSON.stringify({ round, requests }));
    }
  }
  await telemetry.shutdown();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`workload: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
