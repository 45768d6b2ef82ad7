// Starts a real VS Code (code-server) with the packaged Tally extension, pointed at the fake Anthropic
// server, and drives it from headless Chromium through playwright-core. See test/e2e/README.md.
//
// Every process it starts (fake server, code-server, Chromium) is stopped by `VsCodeSession.stop()`,
// and killed on process exit as a last resort, so a failed journey never leaves a server behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { portAccepts } from '../../scripts/demo/processes';
import { loadPlaywright, type Browser, type Frame, type Locator, type Page } from './playwright';

export const REPO_ROOT = resolve(__dirname, '../..');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results/e2e');
export const VSIX_PATH = process.env.TALLY_E2E_VSIX ?? join(REPO_ROOT, 'dist/tally.vsix');
export const API_KEY = 'sk-ant-e2e-test-key';

export type Theme = 'light' | 'dark' | 'high-contrast';
const THEME_NAMES: Record<Theme, string> = {
  light: 'Default Light Modern',
  dark: 'Default Dark Modern',
  'high-contrast': 'Default High Contrast',
};

export interface E2eTools {
  nodeBinDir: string;
  codeServerBin: string;
  playwrightCoreDir: string;
  chromiumPath: string;
}

/** Tool paths from run-e2e.mjs, or (when a journey file is run directly) from the installer itself. */
export function e2eTools(): E2eTools {
  const fromEnv = process.env.TALLY_E2E_TOOLS;
  if (fromEnv) return JSON.parse(fromEnv) as E2eTools;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/e2e-install.mjs')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error('scripts/e2e-install.mjs failed (see its output above)');
  return JSON.parse(result.stdout) as E2eTools;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) killTree(child);
});
// Servers lead their own process groups, so an interrupted run must take them down itself
// (a signal's default action would exit without the 'exit' handler above).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const child of live) killTree(child);
    process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15));
  });
}

function killTree(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the child leads its own process group (detached)
  } catch {
    child.kill('SIGKILL');
  }
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => killTree(child), 5_000);
  await exited;
  clearTimeout(timer);
  live.delete(child);
}

interface Logged {
  child: ChildProcess;
  logPath: string;
  /** Fails with the end of the log once the process has exited (for use inside waitUntil checks). */
  assertRunning(): Promise<void>;
}

function startLogged(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Logged {
  const logPath = join(RESULTS_DIR, 'logs', `${name}.log`);
  mkdirSync(join(RESULTS_DIR, 'logs'), { recursive: true });
  const log = createWriteStream(logPath);
  const child = spawn(command, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const logClosed = new Promise<void>((done) => {
    child.once('close', (code, signal) => {
      log.end(`\n[exited code=${code} signal=${signal}]\n`, () => done());
      live.delete(child);
    });
  });
  live.add(child);
  const assertRunning = async () => {
    if (child.exitCode === null && child.signalCode === null) return;
    await logClosed;
    throw new GaveUp(`${name} exited (${child.exitCode ?? child.signalCode}); end of ${logPath}:\n${tail(logPath)}`);
  };
  return { child, logPath, assertRunning };
}

function tail(path: string, lines = 30): string {
  if (!existsSync(path)) return '(no log)';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Thrown inside a waitUntil check to stop waiting at once (the awaited process died). */
export class GaveUp extends Error {}

/** Polls `check` until it returns a value other than undefined/false; fails with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof GaveUp) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${detail}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}

export interface FakeAnthropic {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The fake Messages API (src/simulator) on a free loopback port, accepting only `apiKey` (as the real one would). */
export async function startFakeAnthropic(name: string, apiKey: string): Promise<FakeAnthropic> {
  const main = join(REPO_ROOT, 'src/simulator/main.ts');
  if (!existsSync(main)) throw new Error(`the fake Anthropic server is missing: ${main}`);
  const { child, logPath, assertRunning } = startLogged(
    name,
    process.execPath,
    ['--import', 'tsx', main, '--port', '0', '--api-key', apiKey],
    process.env,
  );
  // It prints its URL (with the port the system chose) as the first line of stdout.
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const url = await waitUntil(
    `the fake Anthropic server to print its URL (log ${logPath})`,
    async () => {
      await assertRunning();
      const line = printed.split('\n')[0]?.trim();
      return printed.includes('\n') && line?.startsWith('http://127.0.0.1:') ? line : undefined;
    },
    30_000,
  );
  return { url, port: Number(new URL(url).port), stop: () => stopProcess(child) };
}

/** The fake server's control API: GET `/_fake/requests`, or POST a body (`/_fake/fault`) when given. */
export async function fakeControl<T>(fake: FakeAnthropic, path: string, body?: unknown): Promise<T> {
  const response = await fetch(
    `${fake.url}${path}`,
    body === undefined
      ? {}
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
  );
  if (!response.ok)
    throw new Error(`${body === undefined ? 'GET' : 'POST'} ${path} on the fake server: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Requests the extension sent to the Messages API (not count_tokens), as the fake server recorded them. */
export async function messagesRequests(fake: FakeAnthropic): Promise<Array<{ path: string; status: number; body: unknown }>> {
  const all = await fakeControl<Array<{ path: string; status: number; body: unknown }>>(fake, '/_fake/requests');
  return all.filter((request) => request.path === '/v1/messages');
}

export interface SessionOptions {
  /** Names the logs and temp folders. */
  name: string;
  theme: Theme;
  /** Extra user settings (tally.* and others). */
  settings?: Record<string, unknown>;
  /** The workspace folder's own .vscode/settings.json, as a cloned repository would carry it. */
  workspaceSettings?: (dirs: { tempDir: string; workspaceDir: string }) => Record<string, unknown>;
  /** Files to create in the workspace folder, by relative path. */
  workspaceFiles?: Record<string, string>;
  /** More .vsix files to install after Tally's (e.g. a test extension that uses Tally's API). */
  extraVsix?: string[];
}

export class VsCodeSession {
  readonly page: Page;
  readonly fake: FakeAnthropic;
  readonly theme: Theme;
  /** The ledger the user's settings point at, and the session's scratch folder. */
  readonly ledgerDir: string;
  readonly tempDir: string;
  private readonly codeServer: ChildProcess | undefined;
  private readonly browser: Browser;
  /** Seconds each start-up phase took, printed by the journeys. */
  timings: Record<string, number> = {};

  private constructor(parts: {
    page: Page;
    fake: FakeAnthropic;
    theme: Theme;
    codeServer: ChildProcess | undefined;
    browser: Browser;
    tempDir: string;
  }) {
    this.page = parts.page;
    this.fake = parts.fake;
    this.theme = parts.theme;
    this.codeServer = parts.codeServer;
    this.browser = parts.browser;
    this.tempDir = parts.tempDir;
    this.ledgerDir = join(parts.tempDir, 'ledger');
  }

  static async start(options: SessionOptions): Promise<VsCodeSession> {
    if (!existsSync(VSIX_PATH)) throw new Error(`${VSIX_PATH} is missing: run \`npm run package\` (npm run test:e2e does)`);
    const tools = e2eTools();
    const timings: Record<string, number> = {};
    let phaseStart = Date.now();
    const phase = (name: string) => {
      timings[name] = Math.round((Date.now() - phaseStart) / 100) / 10;
      phaseStart = Date.now();
    };
    const tempDir = mkdtempSync(join(tmpdir(), `tally-e2e-${options.name}-`));
    const cleanup: Array<() => Promise<void>> = [async () => rmSync(tempDir, { recursive: true, force: true })];
    try {
      const fake = await startFakeAnthropic(`${options.name}-fake-anthropic`, API_KEY);
      cleanup.unshift(fake.stop);
      phase('fake server');

      const userDataDir = join(tempDir, 'user-data');
      const extensionsDir = join(tempDir, 'extensions');
      const ledgerDir = join(tempDir, 'ledger');
      const workspaceDir = join(tempDir, 'workspace');
      for (const dir of [join(userDataDir, 'User'), extensionsDir, ledgerDir, workspaceDir]) mkdirSync(dir, { recursive: true });
      writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify(userSettings(options, fake.url, ledgerDir), null, 2));
      for (const [file, text] of Object.entries(options.workspaceFiles ?? {})) {
        mkdirSync(join(workspaceDir, file, '..'), { recursive: true });
        writeFileSync(join(workspaceDir, file), text);
      }
      if (options.workspaceSettings) {
        mkdirSync(join(workspaceDir, '.vscode'), { recursive: true });
        const folderSettings = options.workspaceSettings({ tempDir, workspaceDir });
        writeFileSync(join(workspaceDir, '.vscode/settings.json'), JSON.stringify(folderSettings, null, 2));
      }

      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${tools.nodeBinDir}:${process.env.PATH}`,
        ANTHROPIC_API_KEY: API_KEY,
        // Keep code-server's own config and state out of the user's home.
        XDG_CONFIG_HOME: join(tempDir, 'xdg-config'),
        XDG_DATA_HOME: join(tempDir, 'xdg-data'),
      };
      const dirs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
      const install = spawnSync(tools.codeServerBin, [...dirs, '--install-extension', VSIX_PATH], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (install.status !== 0) {
        throw new Error(
          `code-server --install-extension ${VSIX_PATH} failed (${install.status ?? install.signal}):\n${install.stdout}${install.stderr}`,
        );
      }
      for (const vsix of options.extraVsix ?? []) {
        const extra = spawnSync(tools.codeServerBin, [...dirs, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
        if (extra.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed:\n${extra.stdout}${extra.stderr}`);
      }
      phase('install .vsix');

      const port = await freePort();
      const {
        child: codeServer,
        logPath,
        assertRunning,
      } = startLogged(
        `${options.name}-code-server`,
        tools.codeServerBin,
        [
          '--auth',
          'none',
          '--bind-addr',
          `127.0.0.1:${port}`,
          ...dirs,
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          workspaceDir,
        ],
        env,
      );
      cleanup.unshift(() => stopProcess(codeServer));
      await waitUntil(
        `code-server on port ${port} (log ${logPath})`,
        async () => {
          await assertRunning();
          return portAccepts(port);
        },
        60_000,
      );
      phase('code-server listening');

      const browser = await launchChromium(tools);
      cleanup.unshift(() => browser.close().catch(() => undefined));
      phase('chromium');
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const session = new VsCodeSession({ page, fake, theme: options.theme, codeServer, browser, tempDir });
      await openWorkbench(page, `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspaceDir)}`);
      phase('workbench');
      session.timings = timings;
      return session;
    } catch (error) {
      for (const step of cleanup) await step().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Opens a VS Code that something else started (`npm run demo`) in headless Chromium. `api` is the
   * Messages API it talks to; stop() closes only the browser.
   */
  static async attach(options: { url: string; name: string; theme: Theme; api: FakeAnthropic }): Promise<VsCodeSession> {
    const browser = await launchChromium(e2eTools());
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const tempDir = mkdtempSync(join(tmpdir(), `tally-e2e-${options.name}-`));
      const session = new VsCodeSession({ page, fake: options.api, theme: options.theme, codeServer: undefined, browser, tempDir });
      await openWorkbench(page, options.url);
      return session;
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }

  /** Stops Chromium, code-server and the fake server, and removes the temp folders. Safe to call twice. */
  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await stopProcess(this.codeServer);
    await this.fake.stop();
    rmSync(this.tempDir, { recursive: true, force: true });
  }

  /** Saves test-results/e2e/<journey>-<theme>.png and returns its path. */
  async screenshot(journey: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${journey}-${this.theme}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /**
   * Runs a command from the command palette by its title, as a user would. Retries for a while: right
   * after start-up the palette lists an extension's commands only once the extension host has read it.
   */
  async runCommand(title: string, timeoutMs = 60_000): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
    await waitUntil(
      `the command palette to offer "${title}"`,
      async () => {
        await this.openPalette(title);
        const found = await row.waitFor({ state: 'visible', timeout: 3_000 }).then(
          () => true,
          () => false,
        );
        if (!found) await this.page.keyboard.press('Escape');
        return found;
      },
      timeoutMs,
    );
    await row.click();
  }

  private async openPalette(filter: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Shift+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${filter}`);
  }

  /** Labels of the command palette entries matching `filter`, for checking what the extension contributes. */
  async paletteCommands(filter: string): Promise<string[]> {
    await this.openPalette(filter);
    await this.page
      .locator('.quick-input-list .monaco-list-row')
      .first()
      .waitFor({ state: 'visible', timeout: 5_000 })
      .catch(() => undefined);
    const rows = this.page.locator('.quick-input-list .monaco-list-row .label-name');
    const labels: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) labels.push((await rows.nth(i).innerText()).trim());
    await this.page.keyboard.press('Escape');
    return labels;
  }

  /** The webview frame (there may be several panels open) that shows `selector`. */
  async webviewWith(selector: string, timeoutMs = 45_000): Promise<Frame> {
    return waitUntil(
      `a webview showing ${selector}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame.isDetached() || !frame.url().includes('/webview/')) continue;
          if (await frame.locator(selector).first().isVisible()) return frame;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  /** Picks the quick pick entry whose label contains `label` (after a command opened it). */
  async pickQuickItem(label: string): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
      throw new Error(`no quick pick entry "${label}" appeared`);
    });
    await row.click();
  }

  /** Types `text` into the open input box and accepts it with Enter. */
  async answerInputBox(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    const title = this.page.locator('.quick-input-widget .quick-input-title');
    const asked = await title.innerText().catch(() => '');
    await input.fill(text);
    await input.press('Enter');
    // Accepted: the box closes, or the menu it came from comes back (another title).
    await waitUntil(
      `the input box to accept "${text}"`,
      async () => !(await this.page.locator('.quick-input-widget').isVisible()) || (await title.innerText().catch(() => '')) !== asked,
      10_000,
    );
  }

  /** The status bar entry whose text matches `pattern`. */
  statusBarItem(pattern: RegExp): Locator {
    return this.page.locator('.statusbar .statusbar-item').filter({ hasText: pattern }).first();
  }
}

async function launchChromium(tools: E2eTools): Promise<Browser> {
  const { chromium } = loadPlaywright(tools.playwrightCoreDir);
  return chromium.launch({
    executablePath: tools.chromiumPath,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: 60_000, waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.statusbar').waitFor({ timeout: 30_000 });
}

function userSettings(options: SessionOptions, apiBaseUrl: string, ledgerDir: string): Record<string, unknown> {
  return {
    'workbench.colorTheme': THEME_NAMES[options.theme],
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'security.workspace.trust.enabled': false,
    'tally.apiBaseUrl': apiBaseUrl,
    'tally.ledgerDirectory': ledgerDir,
    ...options.settings,
  };
}
