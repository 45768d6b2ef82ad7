import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { resolveLedgerDir, sharedLedger } from '../../core/ledger/index.js';
import { defaultRouterConfig, parseRouterConfig } from '../../core/router/index.js';
import {
  DEFAULT_LOOP_REPEATS,
  DEFAULT_UPSTREAM,
  isTokenShaped,
  newToken,
  startGateway,
  upstreamProblem,
  type GatewayPolicy,
} from '../../gateway/index.js';
import { BUDGET_FLAGS, parseBudgetFlags, parseFlags, parseNumberFlag, writeJson, type Command, cliTimeZone } from '../command.js';
import { decodeText, readFileOrThrow } from '../io.js';
import { loadPriceTable } from '../priceTable.js';
import { attachCliTelemetry, recordingLedger } from '../../telemetry/attach.js';

const USAGE =
  'tally gateway [--port N] [--upstream URL] [--ledger DIR] [--workspace DIR] [--daily-budget USD] [--monthly-budget USD] [--token-file F] [--loop-guard N|off] [--router-config FILE] [--route-by-rules] [--place-cache] [--prices FILE] [--metrics-port N] [--json]';

/** In-flight requests get this long to finish after SIGTERM or Ctrl-C; a second signal cuts them at once. */
const GRACE_MS = 10_000;

export const gatewayCommand: Command = {
  summary: 'a local Messages API that meters, budgets and routes Claude Code, Cline, SDK scripts',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseFlags(
      args,
      {
        port: { type: 'string' },
        upstream: { type: 'string' },
        ledger: { type: 'string' },
        workspace: { type: 'string' },
        ...BUDGET_FLAGS,
        'token-file': { type: 'string' },
        'loop-guard': { type: 'string' },
        'router-config': { type: 'string' },
        'route-by-rules': { type: 'boolean' },
        'place-cache': { type: 'boolean' },
        prices: { type: 'string' },
        'metrics-port': { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const port = parseNumberFlag(values.port, 'port', { integer: true }) ?? 0;
    if (port > 65535) throw new InputError(`--port expects a port number 0-65535, got "${values.port}"`);
    const upstream = checkUpstream(values.upstream ?? DEFAULT_UPSTREAM);
    const budget = parseBudgetFlags(values);
    const loopGuardRepeats = parseLoopGuard(values['loop-guard']);
    const table = loadPriceTable(values.prices, io.env);
    const routerConfig = values['router-config']
      ? parseRouterConfig(decodeText(readFileOrThrow(values['router-config']), values['router-config']), values['router-config'])
      : defaultRouterConfig;
    const workspaceDir = resolve(values.workspace ?? process.cwd());
    const ledgerDir = resolveLedgerDir(values.ledger, io.env, homedir(), process.platform);
    const { ledger, guard } = sharedLedger(ledgerDir, table, { timeZone: cliTimeZone(io.env) });
    ledger.checkWritable(); // before listening: no request is paid for that could not be recorded
    const token = values['token-file'] ? tokenFromFile(values['token-file']) : undefined;
    // Opt-in metrics (Prometheus on 127.0.0.1 with --metrics-port, or the OTEL_* environment): each ledger entry as it is written.
    const telemetry = await attachCliTelemetry({
      env: io.env,
      serviceName: 'tally-gateway',
      priceTable: () => table,
      metricsPort: parseNumberFlag(values['metrics-port'], 'metrics-port', { integer: true, max: 65535 }),
      log: (line) => io.stderr(`tally gateway: ${line}\n`),
    });

    const policy: GatewayPolicy = {
      budget,
      loopGuardRepeats,
      routing: { config: routerConfig, byRules: values['route-by-rules'] ?? false },
      placeCache: values['place-cache'] ?? false,
    };
    const gateway = await startGateway({
      port,
      upstream,
      priceTable: table,
      ledger: telemetry ? recordingLedger(ledger, telemetry) : ledger,
      budgetGuard: guard,
      workspace: { path: workspaceDir, name: basename(workspaceDir) },
      ...(token ? { token } : {}),
      apiKey: () => io.env['ANTHROPIC_API_KEY']?.trim() || undefined,
      policy: () => policy,
      onProblem: (message) => io.stderr(`tally gateway: ${message}\n`),
    }).catch(async (error: NodeJS.ErrnoException) => {
      await telemetry?.shutdown();
      if (error.code === 'EADDRINUSE')
        throw new InputError(`port ${port} is already in use (pick another with --port, or 0 for any free port)`);
      throw error;
    });

    // Runs until SIGTERM or Ctrl-C; requests in flight finish (or are cut after the grace period) with their ledger entries.
    // The handlers are in place before the ready line, so a signal sent as soon as it is read is handled.
    const stopped = new Promise<void>((done) => {
      let signals = 0;
      const finished = () => {
        process.removeListener('SIGTERM', stop);
        process.removeListener('SIGINT', stop);
        done();
      };
      function stop() {
        void gateway.close({ graceMs: ++signals > 1 ? 0 : GRACE_MS }).then(finished);
      }
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    if (values.json)
      writeJson(io, {
        baseUrl: gateway.baseUrl,
        port: gateway.port,
        ...(telemetry?.metricsUrl ? { metricsUrl: telemetry.metricsUrl } : {}),
      });
    else io.stdout(`tally gateway: listening; set ANTHROPIC_BASE_URL=${gateway.baseUrl}\n`);
    await stopped;
    await telemetry?.shutdown();
    return 0;
  },
};

function checkUpstream(raw: string): string {
  const problem = upstreamProblem(raw);
  if (problem) throw new InputError(`--upstream ${problem}`);
  return raw;
}

function parseLoopGuard(value: string | undefined): number | null {
  if (value === undefined) return DEFAULT_LOOP_REPEATS;
  if (value === 'off') return null;
  const repeats = Number(value);
  if (!Number.isInteger(repeats) || repeats < 2) throw new InputError(`--loop-guard expects "off" or a whole number ≥ 2, got "${value}"`);
  return repeats;
}

/** The token in the file, or a new one written there (readable by the user only) when the file does not exist. */
function tokenFromFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`${file}: ${(error as Error).message}`);
    const token = newToken();
    try {
      writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    } catch (writeError) {
      throw new InputError(`${file}: cannot create the token file (${(writeError as Error).message})`);
    }
    return token;
  }
  if (!isTokenShaped(text)) throw new InputError(`${file}: a gateway token is 16 to 200 letters, digits, "-" or "_"`);
  return text;
}
