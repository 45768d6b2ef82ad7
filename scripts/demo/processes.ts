// The processes the demo starts: code-server in its own process group (so stopping it takes its
// extension host, and with it Tally's gateway, down too), and the user's browser.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import type { DemoProfile } from './profile.js';

/** Where scripts/e2e-install.mjs put code-server and the Node it runs on. */
export interface CodeServerTools {
  nodeBinDir: string;
  codeServerBin: string;
}

export interface CodeServer {
  port: number;
  logPath: string;
  /** Settles when code-server exits by itself. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether something listens on loopback `port` (also used by the e2e harness). */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export interface StartOptions {
  tools: CodeServerTools;
  profile: DemoProfile;
  vsix: string;
  /** 0: any free port. */
  port: number;
  env: NodeJS.ProcessEnv;
}

/** Installs the .vsix into the profile, starts code-server on loopback and waits until it accepts connections. */
export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const { tools, profile } = options;
  const env = {
    ...options.env,
    PATH: `${tools.nodeBinDir}:${options.env['PATH'] ?? ''}`,
    XDG_CONFIG_HOME: profile.xdgConfig,
    XDG_DATA_HOME: profile.xdgData,
  };
  const dirs = ['--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
  const install = spawnSync(tools.codeServerBin, [...dirs, '--install-extension', options.vsix], {
    env,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (install.status !== 0) throw new Error(`installing ${options.vsix} into code-server failed:\n${install.stdout}${install.stderr}`);

  const port = options.port || (await anyFreePort());
  const logPath = join(profile.root, 'code-server.log');
  const log = createWriteStream(logPath);
  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, ...dirs, '--disable-telemetry', '--disable-update-check'];
  const child = spawn(tools.codeServerBin, [...args, '--disable-workspace-trust', profile.workspaceDir], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  let stopped = false;
  const stop = async () => {
    if (stopped || child.exitCode !== null || child.signalCode !== null) return;
    stopped = true;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is already gone
      }
    };
    signalGroup('SIGTERM');
    const killer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
    signalGroup('SIGKILL'); // anything of its group that outlived it (a pty host, a watcher)
  };
  const deadline = Date.now() + 90_000;
  while (!(await portAccepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-20).join('\n');
      throw new Error(`code-server exited before it listened on port ${port}:\n${tail}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not listen on port ${port} within 90 s (log: ${logPath})`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return { port, logPath, exited: exited.then((code) => (stopped ? Promise.reject(new Error('stopped')) : code)), stop };
}

/** Opens `url` in the user's browser where there is a display; otherwise leaves it to the printed line. */
export function openInBrowser(url: string, say: (line: string) => void): void {
  const opener =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']
          ? ['xdg-open', [url]]
          : undefined;
  if (!opener) {
    say('no display here: open the URL above in a browser on this machine');
    return;
  }
  const [command, args] = opener as [string, string[]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.once('error', () => say(`could not run ${command}; open the URL above yourself`));
  child.unref();
}
