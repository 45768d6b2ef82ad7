// The gateway inside the editor: runs `startGateway` in the extension host once the user agreed
// (tally.gateway.enabled, or the one-time question), and points ANTHROPIC_BASE_URL of this
// workspace's integrated terminals at it, so `claude`, aider or a script started there is metered
// with no configuration. The token and port are kept per workspace, so a restored terminal's URL
// keeps working after a restart.
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { PriceTable } from '../../core/prices/priceTable.js';
import type { Gateway, GatewayPolicy } from '../../gateway/index.js';
import type * as Routing from '../chat/routing.js';
import type { TallyServices } from '../services.js';
import { chooseUpstream, gatewayDecision, resolveGatewaySettings, type Consent, type GatewaySettings } from './settings.js';

export const COPY_BASE_URL_COMMAND = 'tally.copyGatewayBaseUrl';
const ENV_NAME = 'ANTHROPIC_BASE_URL';
const CONSENT_KEY = 'tally.gateway.consent';
const PORT_KEY = 'tally.gateway.port';
/** A restart lets requests in flight finish this long; a window closing, less. */
const RESTART_GRACE_MS = 5_000;
const SHUTDOWN_GRACE_MS = 2_000;

export interface GatewayRegistration extends vscode.Disposable {
  /** The base URL terminals get, while the gateway runs. */
  baseUrl(): string | undefined;
  /** Resolves once the last change (settings, trust, a restart) has been applied. */
  settled(): Promise<void>;
  /** Stops the gateway; every request that reached the upstream has its ledger entry when this resolves (for deactivate). */
  stop(): Promise<void>;
}

interface Running {
  gateway: Gateway;
  /** What it was started with: a change of any of these restarts it. */
  key: string;
  table: PriceTable;
}

export function registerGateway(context: vscode.ExtensionContext, services: TallyServices): GatewayRegistration {
  const log = services.log;
  const shown = new Set<string>();
  const warnOnce = (text: string) => {
    log.warn(`gateway: ${text}`);
    if (shown.has(text)) return;
    shown.add(text);
    void vscode.window.showWarningMessage(`Tally: ${text}`);
  };

  let settings = readSettings();
  let running: Running | undefined;
  let asking = false;
  let disposed = false;
  // One change at a time: a restart finishes before the next settings change is looked at.
  let queue: Promise<void> = Promise.resolve();
  const schedule = () =>
    (queue = queue.then(reconcile).catch((error: unknown) => warnOnce(`the gateway did not start: ${(error as Error).message}`)));

  function readSettings(): GatewaySettings {
    const config = vscode.workspace.getConfiguration('tally.gateway');
    const resolved = resolveGatewaySettings((key) => {
      const values = config.inspect(key);
      return { user: values?.globalValue, workspace: values?.workspaceFolderValue ?? values?.workspaceValue };
    });
    for (const problem of resolved.problems) warnOnce(`${problem}; using the default`);
    if (resolved.ignoredFromWorkspace.length > 0) {
      warnOnce(
        `this workspace's settings set ${resolved.ignoredFromWorkspace.join(', ')}; only your user settings decide those, so they are ignored`,
      );
    }
    return resolved.settings;
  }

  const workspaceKey = () => createHash('sha256').update(services.workspace().path).digest('hex').slice(0, 16);

  /** This workspace's token: made once, kept in SecretStorage. */
  async function token(): Promise<string> {
    const name = `tally.gateway.token.${workspaceKey()}`;
    const stored = await context.secrets.get(name);
    if (stored) return stored;
    const { newToken } = await import('../../gateway/index.js');
    const made = newToken();
    await context.secrets.store(name, made);
    return made;
  }

  /** Set when the gateway first starts (the router loads with it). */
  let routerConfigFrom: typeof Routing.routerConfigFrom | undefined;
  function policy(): GatewayPolicy {
    const tally = services.settings();
    return {
      budget: tally.budget,
      loopGuardRepeats: settings.loopGuard,
      routing: { config: routerConfigFrom!(tally), byRules: settings.routeByRules },
      placeCache: settings.placeCache,
    };
  }

  async function reconcile(): Promise<void> {
    if (disposed) return;
    // Restricted Mode sends nothing: the gateway waits until the workspace is trusted.
    const decision = services.isTrusted() ? gatewayDecision(settings, context.globalState.get<Consent>(CONSENT_KEY)) : 'off';
    if (decision === 'ask') void ask();
    if (decision !== 'run') {
      await stop(RESTART_GRACE_MS);
      context.environmentVariableCollection.delete(ENV_NAME);
      return;
    }
    const upstream = chooseUpstream(settings, process.env);
    const dir = services.ledgerDirectory();
    const workspace = services.workspace();
    const table = services.priceTable();
    const key = JSON.stringify({ upstream, dir, workspace, port: settings.port, models: services.settings().models });
    if (running && running.key === key && running.table === table) return point(running.gateway.baseUrl);
    await stop(RESTART_GRACE_MS);

    // Loaded only once the gateway runs: users who never turn it on never pay for the server or the router.
    const [{ startGateway }, { withTierModels }, routing] = await Promise.all([
      import('../../gateway/index.js'),
      import('../../core/prices/priceTable.js'),
      import('../chat/routing.js'),
    ]);
    routerConfigFrom = routing.routerConfigFrom;
    const ledger = services.ledger();
    try {
      ledger.checkWritable();
    } catch (error) {
      warnOnce(`the gateway is off: ${(error as Error).message}`);
      context.environmentVariableCollection.delete(ENV_NAME);
      return;
    }
    const lastPort = context.workspaceState.get<number>(PORT_KEY);
    const sharedToken = await token();
    const start = (port: number) =>
      startGateway({
        port,
        upstream,
        priceTable: withTierModels(table, services.settings().models),
        ledger,
        budgetGuard: services.budgetGuard(),
        workspace,
        token: sharedToken,
        apiKey: () => services.getApiKey(),
        policy,
        onProblem: (message) => log.warn(`gateway: ${message}`),
      });
    let gateway: Gateway;
    try {
      gateway = await start(settings.port || lastPort || 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      if (settings.port) {
        warnOnce(`the gateway is off: port ${settings.port} (tally.gateway.port) is in use; choose another, or 0 for any free port`);
        context.environmentVariableCollection.delete(ENV_NAME);
        return;
      }
      gateway = await start(0); // last time's port is taken now: any free one
    }
    if (disposed) {
      await gateway.close({ graceMs: 0 });
      return;
    }
    running = { gateway, key, table };
    await context.workspaceState.update(PORT_KEY, gateway.port);
    log.info(`gateway: listening on 127.0.0.1:${gateway.port}, forwarding to ${upstream}`);
    point(gateway.baseUrl);
  }

  function point(baseUrl: string): void {
    const env = context.environmentVariableCollection;
    env.description = new vscode.MarkdownString(
      'Tally meters Claude requests made from this terminal: `ANTHROPIC_BASE_URL` points at its local gateway (127.0.0.1), which passes them on unchanged.',
    );
    env.replace(ENV_NAME, baseUrl);
  }

  async function stop(graceMs: number): Promise<void> {
    const current = running;
    running = undefined;
    if (current) await current.gateway.close({ graceMs });
  }

  async function ask(): Promise<void> {
    if (asking) return;
    asking = true;
    try {
      const choice = await vscode.window.showInformationMessage(
        'Tally: meter Claude Code, Cline, aider and scripts run in this window’s terminals? Tally runs a local gateway (127.0.0.1 only) and sets ANTHROPIC_BASE_URL for them; requests pass through unchanged and their cost goes in your ledger.',
        'Turn On',
        'Not Now',
      );
      // Dismissed without an answer: asked again next time.
      if (choice === 'Turn On') await context.globalState.update(CONSENT_KEY, 'accepted');
      if (choice === 'Not Now') await context.globalState.update(CONSENT_KEY, 'declined');
      if (choice) await schedule();
    } finally {
      asking = false;
    }
  }

  async function copyBaseUrl(): Promise<void> {
    if (!running) {
      const choice = await vscode.window.showInformationMessage('Tally: the gateway is not running.', 'Turn On');
      if (!choice) return;
      if (settings.enabled === false) {
        await vscode.workspace.getConfiguration('tally.gateway').update('enabled', true, vscode.ConfigurationTarget.Global);
        settings = readSettings();
      } else {
        await context.globalState.update(CONSENT_KEY, 'accepted');
      }
      await schedule();
      if (!running) return; // the reason was shown
    }
    await vscode.env.clipboard.writeText(running.gateway.baseUrl);
    void vscode.window.showInformationMessage(
      'Tally: gateway base URL copied. Set ANTHROPIC_BASE_URL to it for tools started outside VS Code (it stays the same across restarts).',
    );
  }

  const subscriptions = [
    vscode.commands.registerCommand(COPY_BASE_URL_COMMAND, copyBaseUrl),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('tally.gateway')) return;
      settings = readSettings();
      void schedule();
    }),
    // The ledger directory, prices and tier models come from the other tally.* settings.
    services.onDidChangeSettings(() => void schedule()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void schedule()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void schedule()),
  ];
  void schedule();

  const registration: GatewayRegistration = {
    baseUrl: () => running?.gateway.baseUrl,
    settled: () => queue,
    stop: async () => {
      disposed = true;
      await queue;
      await stop(SHUTDOWN_GRACE_MS);
    },
    dispose: () => {
      for (const subscription of subscriptions) subscription.dispose();
      void registration.stop();
    },
  };
  context.subscriptions.push(registration);
  return registration;
}
