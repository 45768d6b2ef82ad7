// Helpers for the telemetry tests: the cached Prometheus tools, processes that print JSON lines, and
// a Prometheus server scraping loopback targets in a scratch folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO = join(__dirname, '../..');

export interface TelemetryTools {
  prometheus: string;
  promtool: string;
  version: string;
}

/** The tools scripts/telemetry-tools.mjs installed, or a reason to skip (printed, so a skip is never silent). */
export function telemetryTools(): TelemetryTools | string {
  const found = spawnSync(process.execPath, [join(REPO, 'scripts/telemetry-tools.mjs'), '--check'], { encoding: 'utf8' });
  if (found.status === 0) return JSON.parse(found.stdout) as TelemetryTools;
  const reason =
    'Prometheus is not installed: run `node scripts/telemetry-tools.mjs` (Debian prometheus package, unpacked under ~/.cache/tally-telemetry)';
  console.log(`# skipped: ${reason}`);
  return reason;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child process whose stdout is JSON lines; `next()` waits (bounded) for the next one. */
export class JsonLineProcess {
  readonly child: ChildProcess;
  private readonly lines: unknown[] = [];
  private waiting: ((line: unknown) => void) | undefined;
  private stderr = '';

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      const line: unknown = JSON.parse(text);
      if (this.waiting) {
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting(line);
      } else this.lines.push(line);
    });
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  next<T>(timeoutMs = 60_000): Promise<T> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift() as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no output line within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)),
        timeoutMs,
      );
      this.child.once('exit', (code) => reject(new Error(`exited ${code} before its next line; stderr: ${this.stderr.slice(-2000)}`)));
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line as T);
      };
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus on a loopback port with its own storage in `dir`, scraping `targets` every second. */
export class Prometheus {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly log: () => string,
  ) {}

  static async start(binary: string, dir: string, targets: string[], ruleFiles: string[]): Promise<Prometheus> {
    const port = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      `rule_files: ${JSON.stringify(ruleFiles)}`,
      'scrape_configs:',
      '  - job_name: tally',
      `    static_configs: [{ targets: ${JSON.stringify(targets)} }]`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    let output = '';
    const child = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const prometheus = new Prometheus(`http://127.0.0.1:${port}`, child, () => output.slice(-3000));
    await prometheus.waitFor(
      'Prometheus to be ready',
      async () => (await fetch(`${prometheus.url}/-/ready`).catch(() => undefined))?.ok === true,
    );
    return prometheus;
  }

  async query(expr: string): Promise<PromSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
    if (body.status !== 'success') throw new Error(`PromQL ${expr}: ${body.error}`);
    return body.data!.result;
  }

  /** The single value of a query that sums to one series; NaN when it has no data. */
  async scalar(expr: string): Promise<number> {
    const result = await this.query(expr);
    return result.length === 1 ? Number(result[0]!.value[1]) : Number.NaN;
  }

  async api<T>(path: string): Promise<T> {
    const body = (await (await fetch(`${this.url}${path}`)).json()) as { data: T };
    return body.data;
  }

  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null)
        throw new Error(`Prometheus exited ${this.child.exitCode} while waiting for ${what}:\n${this.log()}`);
      if (await check().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; Prometheus log:\n${this.log()}`);
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/** Every PromQL expression in a Grafana dashboard, with its panel title and Grafana's variables filled in as "All". */
export function dashboardQueries(dashboard: {
  panels: { title: string; targets?: { expr: string }[] }[];
}): { title: string; expr: string }[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      title: panel.title,
      expr: target.expr
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__interval', '1m')
        .replaceAll('$__range', '1d')
        .replace(/\$\{?(team|user|model|client)\}?/g, '.*'),
    })),
  );
}
