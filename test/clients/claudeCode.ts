// Drives the real Claude Code (installed by scripts/client-tools.mjs) against a base URL: the simulated
// API, or the Tally gateway in front of it. Each run gets a throwaway HOME and CLAUDE_CONFIG_DIR, so the
// real user's settings, credentials and session logs are never read or written, and only the traffic a
// run needs leaves it (CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: no telemetry, no update checks).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

// The install script is an ES module and the tests are CommonJS to TypeScript: its types come in with
// resolution-mode, its code through a dynamic import.
import type { ClientTools } from '../../scripts/client-tools.mjs' with { 'resolution-mode': 'import' };
export type { ClientTools };

/** The installed tools, or undefined after marking the test skipped with the reason (the runner prints it). */
export async function clientToolsOrSkip(t: TestContext): Promise<ClientTools | undefined> {
  const { findClientTools } = await import('../../scripts/client-tools.mjs');
  const tools = findClientTools();
  if (tools) return tools;
  const reason = 'Claude Code and ccusage are not installed: run `node scripts/client-tools.mjs` (needs the npm registry)';
  t.skip(reason);
  return undefined;
}

export interface ClaudeHome {
  home: string;
  /** CLAUDE_CONFIG_DIR: settings, and the session logs under projects/. */
  configDir: string;
}

/** A HOME and CLAUDE_CONFIG_DIR inside `root` (a scratch folder the test removes). */
export function claudeHome(root: string): ClaudeHome {
  const home = join(root, 'home');
  const configDir = join(root, 'claude-config');
  mkdirSync(home, { recursive: true });
  mkdirSync(configDir, { recursive: true });
  return { home, configDir };
}

/** What `claude -p … --output-format json` prints (the fields tests read). */
export interface ClaudeResult {
  type: 'result';
  subtype: string;
  is_error: boolean;
  result: string;
  session_id: string;
  num_turns: number;
  total_cost_usd: number;
  usage: Record<string, unknown>;
  modelUsage: Record<
    string,
    { inputTokens: number; outputTokens: number; cacheReadInputTokens: number; cacheCreationInputTokens: number; costUSD: number }
  >;
}

export interface ClaudeCodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed result when stdout was one, else undefined. */
  result: ClaudeResult | undefined;
}

export interface ClaudeCodeOptions {
  claudeBin: string;
  home: ClaudeHome;
  /** ANTHROPIC_BASE_URL. */
  baseUrl: string;
  apiKey: string;
  /** The project folder Claude Code runs in (the `cwd` of its logs). */
  cwd: string;
  prompt: string;
  model?: string;
  /** Extra command-line arguments, e.g. ['--allowedTools', 'Bash(echo:*)'] or ['--resume', id]. */
  args?: string[];
  /** Extra environment, e.g. { DISABLE_PROMPT_CACHING: '1' }. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `claude -p PROMPT --output-format json` to completion (asynchronously, so an in-process fake can answer). */
export function runClaudeCode(options: ClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const args = [
    '-p',
    options.prompt,
    '--output-format',
    'json',
    ...(options.model ? ['--model', options.model] : []),
    ...(options.args ?? []),
  ];
  // Nothing of the parent's environment but PATH: no ANTHROPIC_* or CLAUDE_* of the developer's own leaks in.
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.home.home,
    CLAUDE_CONFIG_DIR: options.home.configDir,
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(options.claudeBin, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`claude did not finish within ${options.timeoutMs ?? 60_000} ms; stderr: ${stderr.slice(-2000)}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let result: ClaudeResult | undefined;
      try {
        result = JSON.parse(stdout) as ClaudeResult;
      } catch {
        result = undefined;
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

/** Like runClaudeCode, but fails with Claude Code's own output unless it reports success. */
export async function runClaudeCodeOk(options: ClaudeCodeOptions): Promise<ClaudeResult> {
  const run = await runClaudeCode(options);
  if (run.code !== 0 || !run.result || run.result.is_error) {
    throw new Error(`claude exited ${run.code}: ${run.stdout.slice(0, 2000)} ${run.stderr.slice(-2000)}`);
  }
  return run.result;
}
