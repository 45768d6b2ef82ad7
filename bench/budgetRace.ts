// Several `tally chat` processes spending against one hard daily budget on one shared ledger, with
// the simulated API as the server: what the server billed is compared with the budget.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../src/core/ledger/index.js';
import { priceUsage, utcDate } from '../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../src/core/prices/priceTable.js';
import { startFakeAnthropic } from '../src/simulator/server.js';

export interface RaceOptions {
  processes: number;
  turnsEach: number;
  dailyBudgetUsd: number;
  /** Output tokens each answer asks for. */
  answerTokens: number;
}

export interface RaceResult {
  budgetUsd: number;
  /** What the server billed: every /v1/messages request's usage priced at Tally's table. */
  billedUsd: number;
  ledgerUsd: number;
  sentRequests: number;
  /** Processes stopped by the budget (exit 3). */
  refusedProcesses: number;
  exitCodes: number[];
}

export async function raceBudget(options: RaceOptions): Promise<RaceResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-budget-race-'));
  const fake = await startFakeAnthropic();
  try {
    const ledgerDir = join(dir, 'ledger');
    const script = join(dir, 'script.json');
    const turns = Array.from({ length: options.turnsEach }, (_, i) => ({
      user: `Question ${i + 1}: explain this step in detail [[tokens:${options.answerTokens}]]`,
      model: 'sonnet',
    }));
    writeFileSync(script, JSON.stringify({ system: 'You are a careful reviewer.', turns }));
    const args = ['dist/cli.js', 'chat', '--script', script, '--base-url', fake.url, '--ledger', ledgerDir, '--workspace', dir];
    args.push('--daily-budget', String(options.dailyBudgetUsd), '--json');
    const exitCodes = await Promise.all(
      Array.from(
        { length: options.processes },
        () =>
          new Promise<number>((resolve) => {
            const child = spawn(process.execPath, args, { env: { ...process.env, ANTHROPIC_API_KEY: 'sk-race' }, stdio: 'ignore' });
            child.on('exit', (code) => resolve(code ?? 1));
          }),
      ),
    );
    const table = bundledPriceTable();
    const date = utcDate(Date.now());
    let billedUsd = 0;
    let sentRequests = 0;
    for (const request of fake.requests) {
      if (request.path !== '/v1/messages' || !request.usage) continue;
      sentRequests++;
      const model = resolveModel(table, (request.body as { model: string }).model);
      billedUsd += priceUsage(table, model, { ...request.usage }, { date }).total;
    }
    const ledgerUsd = openLedger(ledgerDir, { persistIndex: false }).spend(dir).today.usd;
    return {
      budgetUsd: options.dailyBudgetUsd,
      billedUsd,
      ledgerUsd,
      sentRequests,
      refusedProcesses: exitCodes.filter((code) => code === 3).length,
      exitCodes,
    };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
