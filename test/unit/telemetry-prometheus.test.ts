// A real Prometheus (Debian's 2.42, from scripts/telemetry-tools.mjs) scrapes a long-running process that
// meters a scripted workload against the fake Anthropic API the way the gateway does. PromQL totals must
// equal the ledger's (as `tally report` prints them), every query of the committed dashboard must return
// data, and the committed budget rules must load, evaluate and fire.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
  let workload: JsonLineProcess;
  let prometheus: Prometheus;
  let metricsUrl: string;
  let requests = 0;

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
    workload = new JsonLineProcess(
      process.execPath,
      ['--import', 'tsx', join(REPO, 'test/unit/telemetryWorkload.ts'), '--fake', fake.url, '--ledger', ledgerDir],
      {
        ...process.env,
        TALLY_ENABLE_TELEMETRY: '1',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_PORT: '0',
        TALLY_TELEMETRY_TEAM: 'payments',
        TALLY_TELEMETRY_COST_CENTER: 'CC-1234',
        TALLY_TELEMETRY_USER_EMAIL: 'ada@example.com',
      },
    );
    ({ metricsUrl } = await workload.next<{ metricsUrl: string }>());
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
    await prometheus.waitFor('the first scrape of the workload', async () => (await prometheus.scalar('up{job="tally"}')) === 1);
    // Two rounds a few scrapes apart, so every counter has grown between samples (increase() sees it).
    for (let round = 0; round < 2; round++) {
      workload.send('run');
      ({ requests } = await workload.next<{ requests: number }>());
      await prometheus.waitFor(
        `Prometheus to see ${requests} requests`,
        async () => (await prometheus.scalar('sum(tally_requests_total)')) === requests,
      );
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
  });

  after(async () => {
    workload?.send('exit');
    await workload?.stop();
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
    assert.deepEqual(new Set(labels.map((l) => l.client)), new Set(['claude-code', 'cline', 'anthropic-sdk']));
    assert.deepEqual(new Set(labels.map((l) => l.workspace)), new Set(['api', 'web']));
    for (const l of labels) {
      assert.equal(l.team, 'payments');
      assert.equal(l.cost_center, 'CC-1234');
      assert.equal(l.user_email, 'ada@example.com');
      assert.equal(l.source, 'gateway');
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
});
