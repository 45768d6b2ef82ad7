// What the gateway adds: time to first byte of a streamed answer through `tally gateway` against the
// same request sent straight to the simulated API, measured side by side in one run (alternating,
// each with its own keep-alive connections), then requests per second with 50 streams at once.
// The simulator and the gateway run as their own processes, as they would for a user.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const KEY = 'sk-ant-bench';
const root = resolve(__dirname, '..');
const SAMPLES = 1000;
const WARMUP = 200;
const CONCURRENT = 50;
const THROUGHPUT_REQUESTS = 2000;

function startProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolveLine({ child, line }));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

const streamBody = (text: string, padding = '') =>
  JSON.stringify({
    model: 'claude-haiku-5-5',
    max_tokens: 64,
    stream: true,
    ...(padding ? { system: padding } : {}),
    messages: [{ role: 'user', content: `${text} [[reply:ok]]` }],
  });

/** One streamed request: ms to the first body byte, and to the end. */
function timeRequest(agent: Agent, url: URL, body: string): Promise<{ ttfb: number; total: number }> {
  return new Promise((resolveTime, reject) => {
    const start = performance.now();
    let ttfb = -1;
    const req = request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname.replace(/\/$/, '')}/v1/messages?beta=true`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'x-api-key': KEY,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.on('data', () => {
          if (ttfb < 0) ttfb = performance.now() - start;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolveTime({ ttfb, total: performance.now() - start }) : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

async function sideBySide(direct: URL, gateway: URL, body: string, samples: number): Promise<{ direct: number[]; gateway: number[] }> {
  const agents = { direct: new Agent({ keepAlive: true, maxSockets: 1 }), gateway: new Agent({ keepAlive: true, maxSockets: 1 }) };
  const times = { direct: [] as number[], gateway: [] as number[] };
  for (let i = 0; i < WARMUP + samples; i++) {
    // Alternate which goes first, so neither always meets a warmer machine.
    const order = i % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const);
    for (const which of order) {
      const { ttfb } = await timeRequest(agents[which], which === 'direct' ? direct : gateway, body);
      if (i >= WARMUP) times[which].push(ttfb);
    }
  }
  agents.direct.destroy();
  agents.gateway.destroy();
  return times;
}

async function throughput(url: URL, body: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT });
  let started = 0;
  const worker = async () => {
    while (started < THROUGHPUT_REQUESTS) {
      started++;
      await timeRequest(agent, url, body);
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: CONCURRENT }, worker));
  const seconds = (performance.now() - begin) / 1000;
  agent.destroy();
  return THROUGHPUT_REQUESTS / seconds;
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

export async function run(): Promise<void> {
  const ledger = mkdtempSync(join(tmpdir(), 'tally-gateway-bench-'));
  const children: ChildProcess[] = [];
  try {
    const fake = await startProcess(['src/simulator/main.ts', '--port', '0', '--api-key', KEY]);
    children.push(fake.child);
    const direct = new URL(fake.line.trim());
    const gatewayProcess = await startProcess(['src/cli/main.ts', 'gateway', '--json', '--upstream', direct.origin, '--ledger', ledger]);
    children.push(gatewayProcess.child);
    const gateway = new URL((JSON.parse(gatewayProcess.line) as { baseUrl: string }).baseUrl);

    // A Claude Code-sized request: ~120 kB of system prompt and history, which the gateway parses before sending.
    const large = Array.from({ length: 12_000 }, (_, i) => `word${i % 991}`).join(' ');
    for (const [label, body] of [
      ['small request (~150 B)', streamBody('hello')],
      [`large request (~${Math.round(Buffer.byteLength(streamBody('hello', large)) / 1024)} kB)`, streamBody('hello', large)],
    ] as const) {
      const times = await sideBySide(direct, gateway, body, label.startsWith('small') ? SAMPLES : SAMPLES / 4);
      const added = (p: number) => percentile(times.gateway, p) - percentile(times.direct, p);
      console.log(
        `time to first byte, ${label}, ${times.direct.length} pairs: direct median ${ms(percentile(times.direct, 50))} p99 ${ms(percentile(times.direct, 99))}; ` +
          `through the gateway median ${ms(percentile(times.gateway, 50))} p99 ${ms(percentile(times.gateway, 99))}`,
      );
      console.log(`  added by the gateway: median ${ms(added(50))}, p99 ${ms(added(99))}`);
    }

    const body = streamBody('throughput');
    const directRps = await throughput(direct, body);
    const gatewayRps = await throughput(gateway, body);
    console.log(
      `${CONCURRENT} concurrent streams, ${THROUGHPUT_REQUESTS} requests: direct ${directRps.toFixed(0)} req/s, through the gateway ${gatewayRps.toFixed(0)} req/s ` +
        `(each metered and written to the ledger)`,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 200));
    rmSync(ledger, { recursive: true, force: true });
  }
}
