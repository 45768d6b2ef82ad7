// A real Prometheus (Debian's 2.42, from scripts/telemetry-tools.mjs) scrapes `tally gateway --metrics-port 0`
// (the built dist/cli.js, loading dist/telemetry.js) while Claude clients send a scripted workload through it
// to the fake Anthropic API. PromQL totals must equal the ledger's (as `tally report` prints them), every
// query of the committed dashboard must return data, and the committed budget rules must load and fire.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { scratchDir } from './scratch.js';
import { dashboardQueries, JsonLineProcess, Prometheus, REPO, telemetryTools } from './telemetryTools.js';

const tools = telemetryTools();
const skip = typeof tools === 'string' ? tools : false;
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('Prometheus scrapes Tally', { skip }, () => {
  const dir = scratchDir('tally-prometheus-');
  const ledgerDir = join(dir, 'ledger');
  let fake: FakeAnthropic;
  let gateway: JsonLineProcess;
  let prometheus: Prometheus;
  let metricsUrl: string;
  let baseUrl: string;
  let requests = 0;

  const words = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed}${i % 97}`).join(' ');
  /** Clients, models and a long cached system prompt, as a team's day mixes them (cache writes, then reads). */
  const SCRIPT = [
    { userAgent: 'claude-cli/2.1.0 (external, cli)', model: 'claude-sonnet-5-5', turns: 3, stream: true },
    { userAgent: 'Cline/3.40.0', model: 'claude-haiku-5-5', turns: 2, stream: true },
    { userAgent: undefined, model: 'claude-opus-5-5', turns: 1, stream: false },
  ];
  async function runRound(round: number): Promise<void> {
    for (const step of SCRIPT) {
      const client = new Anthropic({
        apiKey: 'sk-ant-prometheus-test',
        baseURL: baseUrl,
        maxRetries: 0,
        ...(step.userAgent ? { defaultHeaders: { 'user-agent': step.userAgent } } : {}),
      });
      const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: words(step.model, 2500), cache_control: { type: 'ephemeral' } }];
      for (let turn = 0; turn < step.turns; turn++) {
        const params = {
          model: step.model,
          max_tokens: 512,
          system,
          messages: [
            { role: 'user' as const, content: `round ${round} turn ${turn}: explain the failing test [[tokens:${40 + 20 * turn}]]` },
          ],
        };
        if (step.stream) await client.messages.stream(params).finalMessage();
        else await client.messages.create(params);
        requests++;
      }
    }
  }

  const ledgerReport = () => {
    const run = spawnSync(process.execPath, [join(REPO, 'dist/cli.js'), 'report', '--ledger', ledgerDir, '--by', 'model', '--json'], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as { total: Record<string, number> };
  };

  before(async () => {
    if (typeof tools === 'string') return;
    fake = await startFakeAnthropic({});
    const workspace = join(dir, 'payments-api');
    mkdirSync(workspace);
    gateway = new JsonLineProcess(
      process.execPath,
      [
        join(REPO, 'dist/cli.js'),
        'gateway',
        '--port',
        '0',
        '--upstream',
        fake.url,
        '--ledger',
        ledgerDir,
        '--workspace',
        workspace,
        '--metrics-port',
        '0',
        '--json',
      ],
      {
        ...process.env,
        TALLY_TELEMETRY_TEAM: 'payments',
        TALLY_TELEMETRY_COST_CENTER: 'CC-1234',
        TALLY_TELEMETRY_USER_EMAIL: 'ada@example.com',
      },
    );
    ({ metricsUrl, baseUrl } = await gateway.next<{ metricsUrl: string; baseUrl: string }>());
    // A tiny budget for the workload's team, so the committed alert must fire on real scraped data.
    const budgets = join(dir, 'budgets.yml');
    writeFileSync(
      budgets,
      [
        'groups:',
        '  - name: test-budgets',
        '    rules:',
        '      - { record: tally:team_daily_budget_usd, expr: vector(0.000001), labels: { team: payments } }',
        '      - { record: tally:team_monthly_budget_usd, expr: vector(1000000), labels: { team: payments } }',
        '',
      ].join('\n'),
    );
    prometheus = await Prometheus.start(
      tools.prometheus,
      dir,
      [new URL(metricsUrl).host],
      [join(REPO, 'telemetry/prometheus-rules.yml'), budgets],
    );
    await prometheus.waitFor('the first scrape of the gateway', async () => (await prometheus.scalar('up{job="tally"}')) === 1);
    // Two rounds a few scrapes apart, so every counter has grown between samples (increase() sees it).
    for (let round = 0; round < 2; round++) {
      await runRound(round);
      await prometheus.waitFor(
        `Prometheus to see ${requests} requests`,
        async () => (await prometheus.scalar('sum(tally_requests_total)')) === requests,
      );
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
  });

  after(async () => {
    await gateway?.stop();
    await prometheus?.stop();
    await fake?.close();
  });

  test('the metrics port answers on loopback only', async () => {
    const url = new URL(metricsUrl);
    assert.equal(url.hostname, '127.0.0.1');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (!external) return;
    await assert.rejects(
      fetch(`http://${external.address}:${url.port}/metrics`),
      'the metrics port must not answer on a network interface',
    );
  });

  test('PromQL totals of cost, tokens and savings equal the ledger (tally report) for the same requests', async () => {
    const { total } = ledgerReport();
    assert.equal(total.requests, requests);
    assert.ok(total.usd! > 0);
    const cost = await prometheus.scalar('sum(tally_cost_usage_total)');
    assert.ok(close(cost, total.usd!), `PromQL cost ${cost} vs ledger ${total.usd}`);
    const tokens = Object.fromEntries(
      (await prometheus.query('sum by (type) (tally_token_usage_total)')).map((sample) => [sample.metric.type, Number(sample.value[1])]),
    );
    assert.deepEqual(tokens, {
      input: total.inputTokens,
      output: total.outputTokens,
      cacheRead: total.cacheReadTokens,
      cacheCreation: total.cacheWriteTokens,
    });
    assert.ok(total.cacheReadTokens! > 0 && total.cacheWriteTokens! > 0, 'the workload exercises the prompt cache');
    assert.ok(close(await prometheus.scalar('sum(tally_cache_savings)'), total.cacheSavingsUsd!));
    assert.ok(close(await prometheus.scalar('sum(tally_routing_savings)'), total.routingSavingsUsd!));
    // The GenAI semantic-convention histograms count the same requests and output tokens.
    assert.equal(await prometheus.scalar('sum(gen_ai_client_operation_duration_count)'), requests);
    assert.equal(await prometheus.scalar('sum(gen_ai_client_token_usage_sum{gen_ai_token_type="output"})'), total.outputTokens);
    const input = total.inputTokens! + total.cacheReadTokens! + total.cacheWriteTokens!;
    assert.equal(await prometheus.scalar('sum(gen_ai_client_token_usage_sum{gen_ai_token_type="input"})'), input);
  });

  test('series carry the labels a team filters by, and nothing private', async () => {
    const series = await prometheus.query('tally_cost_usage_total');
    const labels = series.map((sample) => sample.metric);
    assert.deepEqual(new Set(labels.map((l) => l.client)), new Set(['claude-code', 'cline', 'anthropic-sdk-typescript']));
    assert.deepEqual(new Set(labels.map((l) => l.model)), new Set(SCRIPT.map((step) => step.model)));
    for (const l of labels) {
      assert.equal(l.team, 'payments');
      assert.equal(l.cost_center, 'CC-1234');
      assert.equal(l.user_email, 'ada@example.com');
      assert.equal(l.source, 'gateway');
      assert.equal(l.workspace, 'payments-api');
      // Workspace names, never paths; no request text or key in any label.
      assert.ok(
        !Object.values(l).some(
          (value) => value.includes('/work/') || value.includes('sk-ant') || value.includes('explain the failing test'),
        ),
      );
    }
    const semconv = (await prometheus.query('gen_ai_client_token_usage_count'))[0]!.metric;
    assert.equal(semconv.gen_ai_provider_name, 'anthropic');
    assert.equal(semconv.gen_ai_operation_name, 'chat');
  });

  test('every query in telemetry/grafana-dashboard.json returns data', async () => {
    const dashboard = JSON.parse(readFileSync(join(REPO, 'telemetry/grafana-dashboard.json'), 'utf8'));
    const queries = dashboardQueries(dashboard);
    assert.ok(queries.length >= 10);
    const empty: string[] = [];
    for (const { title, expr } of queries) {
      const result = await prometheus.query(expr);
      if (result.length === 0 || result.every((sample) => Number.isNaN(Number(sample.value[1])))) empty.push(`${title}: ${expr}`);
    }
    assert.deepEqual(empty, [], 'dashboard queries without data');
  });

  test('the budget rules load, evaluate without errors, and fire for a team over its budget', async () => {
    const check = spawnSync(
      (tools as { promtool: string }).promtool,
      ['check', 'rules', join(REPO, 'telemetry/prometheus-rules.yml'), join(REPO, 'telemetry/team-budgets.yml')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const unit = spawnSync((tools as { promtool: string }).promtool, ['test', 'rules', 'prometheus-rules.test.yml'], {
      encoding: 'utf8',
      cwd: join(REPO, 'telemetry'),
    });
    assert.equal(unit.status, 0, unit.stdout + unit.stderr);

    await prometheus.waitFor('TallyTeamDailyBudgetExceeded to fire for payments', async () => {
      const alerts = await prometheus.query('ALERTS{alertname="TallyTeamDailyBudgetExceeded", team="payments", alertstate="firing"}');
      return alerts.length === 1;
    });
    const { groups } = await prometheus.api<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>(
      '/api/v1/rules',
    );
    const unhealthy = groups.flatMap((group) => group.rules).filter((rule) => rule.health !== 'ok');
    assert.deepEqual(unhealthy, []);
    // The monthly budget is far away: no alert for it.
    assert.equal((await prometheus.query('ALERTS{alertname="TallyTeamMonthlyBudgetExceeded"}')).length, 0);
  });

  test('SIGTERM stops the gateway with exit 0 and closes its metrics port', async () => {
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
    gateway.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await assert.rejects(fetch(metricsUrl));
  });
});
