// tally.gateway.* as the extension reads them: validated, and for the settings that decide where
// requests go or what they carry, only the user's own value (a cloned repository's
// .vscode/settings.json must not turn the gateway on, point it elsewhere or change requests).
import { DEFAULT_LOOP_REPEATS } from '../../gateway/defaults.js';
import { DEFAULT_UPSTREAM, isTallyGatewayUrl, upstreamProblem } from '../../gateway/upstreamUrl.js';

export interface GatewaySettings {
  /** null: not decided yet, so the user is asked once. */
  enabled: boolean | null;
  /** 0: the port used last time if it is free, else any. */
  port: number;
  /** null: ANTHROPIC_BASE_URL of the editor's environment, else Anthropic's API. */
  upstream: string | null;
  /** Refuse the same tool call this many times in a row; null: off. */
  loopGuard: number | null;
  placeCache: boolean;
  routeByRules: boolean;
}

export const GATEWAY_SETTING_KEYS = ['enabled', 'port', 'upstream', 'loopGuard', 'placeCache', 'routeByRules'] as const;
export type GatewaySettingKey = (typeof GATEWAY_SETTING_KEYS)[number];

/** Read from the user's settings only (declared `application` scope in package.json). */
export const USER_ONLY_KEYS: ReadonlySet<GatewaySettingKey> = new Set(['enabled', 'port', 'upstream', 'placeCache', 'routeByRules']);

export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = {
  enabled: null,
  port: 0,
  upstream: null,
  loopGuard: DEFAULT_LOOP_REPEATS,
  placeCache: false,
  routeByRules: false,
};

/** A setting's value where the user set it, and where the workspace (or folder) did. */
export interface SettingValues {
  user: unknown;
  workspace: unknown;
}

export interface ResolvedGatewaySettings {
  settings: GatewaySettings;
  /** One line per bad value (the default is used instead). */
  problems: string[];
  /** User-only settings a workspace tried to set (ignored). */
  ignoredFromWorkspace: string[];
}

export function resolveGatewaySettings(read: (key: GatewaySettingKey) => SettingValues): ResolvedGatewaySettings {
  const problems: string[] = [];
  const ignoredFromWorkspace: string[] = [];
  const value = (key: GatewaySettingKey): unknown => {
    const { user, workspace } = read(key);
    if (USER_ONLY_KEYS.has(key)) {
      if (workspace !== undefined) ignoredFromWorkspace.push(`tally.gateway.${key}`);
      return user;
    }
    return workspace !== undefined ? workspace : user;
  };
  const settings = { ...DEFAULT_GATEWAY_SETTINGS };
  const bad = (key: GatewaySettingKey, message: string) => problems.push(`tally.gateway.${key}: ${message}`);

  const enabled = value('enabled');
  if (enabled === true || enabled === false) settings.enabled = enabled;
  else if (enabled !== undefined && enabled !== null) bad('enabled', 'must be true or false');

  const port = value('port');
  if (port !== undefined && port !== null) {
    if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) settings.port = port;
    else bad('port', 'must be a whole number from 0 to 65535');
  }

  const upstream = value('upstream');
  if (typeof upstream === 'string' && upstream.trim() !== '') {
    const problem = upstreamProblem(upstream.trim());
    if (problem) bad('upstream', problem);
    else settings.upstream = upstream.trim();
  } else if (upstream !== undefined && upstream !== null && upstream !== '') bad('upstream', 'must be a URL');

  const loopGuard = value('loopGuard');
  if (loopGuard === 0 || loopGuard === 'off') settings.loopGuard = null;
  else if (typeof loopGuard === 'number' && Number.isInteger(loopGuard) && loopGuard >= 2) settings.loopGuard = loopGuard;
  else if (loopGuard !== undefined && loopGuard !== null) bad('loopGuard', 'must be 0 (off) or a whole number of repeats ≥ 2');

  for (const key of ['placeCache', 'routeByRules'] as const) {
    const flag = value(key);
    if (flag === true || flag === false) settings[key] = flag;
    else if (flag !== undefined && flag !== null) bad(key, 'must be true or false');
  }
  return { settings, problems, ignoredFromWorkspace };
}

export type Consent = 'accepted' | 'declined' | undefined;

/** Run when the user said so in settings, or accepted the one-time question; ask when neither happened yet. */
export function gatewayDecision(settings: GatewaySettings, consent: Consent): 'run' | 'ask' | 'off' {
  if (settings.enabled !== null) return settings.enabled ? 'run' : 'off';
  if (consent === 'accepted') return 'run';
  return consent === 'declined' ? 'off' : 'ask';
}

/**
 * Where the gateway forwards: the setting, else the editor's own ANTHROPIC_BASE_URL (a proxy the
 * user already goes through), else Anthropic. A Tally gateway URL there (VS Code started from a
 * metered terminal) is skipped: the gateway must not forward to itself.
 */
export function chooseUpstream(settings: GatewaySettings, env: NodeJS.ProcessEnv): string {
  if (settings.upstream) return settings.upstream;
  const inherited = env['ANTHROPIC_BASE_URL']?.trim();
  if (inherited && !upstreamProblem(inherited) && !isTallyGatewayUrl(inherited)) return inherited;
  return DEFAULT_UPSTREAM;
}
