import * as v from 'valibot';
import { DEFAULT_TIER_MODELS, findModel, unknownModelMessage, type PriceTable } from '../core/prices/priceTable.js';
import { compileSafePattern } from '../core/router/safePattern.js';
import { ROUTED_TIERS, type RoutedTier } from '../core/tiers.js';
import { isTimeZone } from '../core/dates.js';

// Pure (no `vscode` import) so unit tests can drive it; extension glue reads the raw values
// with vscode.workspace.getConfiguration('tally') and passes them here.

/** Either a regular expression (case-insensitive) or a plain keyword (case-insensitive substring), as in the core's router config. */
export type RoutingRule = { pattern: string; tier: RoutedTier } | { keyword: string; tier: RoutedTier };

export interface TallySettings {
  models: Record<RoutedTier, string>;
  routing: { mode: 'local' | 'model'; allowList: string[]; rules: RoutingRule[] };
  budget: { dailyUsd: number | null; monthlyUsd: number | null; warnAt: number; confirmAboveUsd: number | null };
  apiBaseUrl: string | null;
  cacheTtl: '5m' | '1h' | 'auto';
  pricesFile: string | null;
  ledgerDirectory: string | null;
  /** IANA time zone days and budgets are counted in; null for the system's. */
  timeZone: string | null;
}

export const DEFAULT_SETTINGS: TallySettings = {
  models: { ...DEFAULT_TIER_MODELS },
  routing: { mode: 'local', allowList: [], rules: [] },
  budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null },
  apiBaseUrl: null,
  cacheTtl: 'auto',
  pricesFile: null,
  ledgerDirectory: null,
  timeZone: null,
};

const modelId = v.pipe(v.string('must be a model id'), v.trim(), v.nonEmpty('must not be empty'));
const usdOrUnset = v.nullable(v.pipe(v.number('must be a number of US dollars'), v.minValue(0, 'must not be negative')));
const pathOrUnset = v.nullable(
  v.pipe(
    v.string('must be a path'),
    v.trim(),
    v.transform((s) => (s === '' ? null : s)),
  ),
);

/** One schema per setting id, so a bad value is reported by its exact id and rejected alone. */
export const SETTING_SCHEMAS = {
  'models.haiku': modelId,
  'models.sonnet': modelId,
  'models.opus': modelId,
  'routing.mode': v.picklist(['local', 'model'], 'must be "local" or "model"'),
  'routing.allowList': v.array(modelId, 'must be a list of model ids'),
  // Each rule is checked on its own (resolveRoutingRules): a bad one is skipped, the rest apply.
  'routing.rules': v.array(v.unknown(), 'must be a list of {"pattern", "tier"} or {"keyword", "tier"} rules'),
  'budget.dailyUsd': usdOrUnset,
  'budget.monthlyUsd': usdOrUnset,
  'budget.warnAt': v.pipe(v.number('must be a number'), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
  'budget.confirmAboveUsd': usdOrUnset,
  apiBaseUrl: v.nullable(
    v.pipe(
      v.string('must be a URL'),
      v.trim(),
      v.transform((s) => (s === '' ? null : s)),
      v.nullable(
        v.pipe(
          v.string(),
          v.url('must be a full URL such as https://api.anthropic.com'),
          v.regex(/^https?:\/\//i, 'must start with http:// or https://'),
        ),
      ),
    ),
  ),
  cacheTtl: v.picklist(['5m', '1h', 'auto'], 'must be "5m", "1h" or "auto"'),
  pricesFile: pathOrUnset,
  ledgerDirectory: pathOrUnset,
  timeZone: v.nullable(
    v.pipe(
      v.string('must be a time zone name'),
      v.trim(),
      v.transform((s) => (s === '' ? null : s)),
      v.nullable(v.pipe(v.string(), v.check(isTimeZone, 'must be a time zone such as Europe/Paris, America/New_York or UTC'))),
    ),
  ),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];

/**
 * Settings that decide where the API key is sent, where spend is recorded and what it costs: they
 * come only from the user (package.json declares them `application` scope), never from a folder's
 * .vscode/settings.json, which a cloned repository controls.
 */
export const USER_ONLY_SETTINGS: readonly SettingKey[] = ['apiBaseUrl', 'ledgerDirectory', 'pricesFile'];

/**
 * User-only settings that a workspace settings file (`.vscode/settings.json` or a `.code-workspace`
 * file's "settings") names. VS Code drops such values before `inspect()` sees them, so the file text
 * is read to tell the user that the workspace tried. Keys inside comments are not counted.
 */
export function userOnlySettingsNamedIn(settingsText: string): string[] {
  const code = settingsText.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:"])\/\/.*$/gm, '$1');
  return USER_ONLY_SETTING_IDS.filter((id) => new RegExp(`"${id.replaceAll('.', '\\.')}"\\s*:`).test(code));
}

/** Every setting only the user may set (application or machine scope in package.json), the gateway's and telemetry's included. */
export const USER_ONLY_SETTING_IDS: readonly string[] = [
  ...USER_ONLY_SETTINGS.map((key) => `tally.${key}`),
  ...['enabled', 'port', 'upstream', 'placeCache', 'routeByRules'].map((key) => `tally.gateway.${key}`),
  ...['enabled', 'exporter', 'otlpEndpoint', 'otlpHeaders', 'prometheusPort', 'resourceAttributes', 'team', 'userEmail'].map(
    (key) => `tally.telemetry.${key}`,
  ),
];

/** What VS Code's `inspect()` reports for one setting (the fields Tally reads). */
export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The value to use for `key` and whether a workspace tried to set it. A user-only setting takes the
 * user's value and ignores the workspace's; any other takes the most specific one, as VS Code does.
 */
export function settingValue(key: SettingKey, inspected: InspectedSetting | undefined): { value: unknown; ignoredWorkspaceValue: boolean } {
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  if (USER_ONLY_SETTINGS.includes(key)) return { value: inspected?.globalValue, ignoredWorkspaceValue: fromWorkspace !== undefined };
  return { value: fromWorkspace ?? inspected?.globalValue, ignoredWorkspaceValue: false };
}

export interface SettingProblem {
  /** Full id as the user sees it in settings.json, e.g. `tally.budget.warnAt`. */
  setting: string;
  message: string;
}

const RoutingRuleSchema = v.pipe(
  v.strictObject(
    {
      pattern: v.optional(v.pipe(v.string('"pattern" must be a string'), v.nonEmpty('"pattern" must not be empty'))),
      keyword: v.optional(v.pipe(v.string('"keyword" must be a string'), v.nonEmpty('"keyword" must not be empty'))),
      tier: v.picklist(ROUTED_TIERS, '"tier" must be "haiku", "sonnet" or "opus"'),
    },
    'must be an object {"pattern", "tier"} or {"keyword", "tier"}',
  ),
  v.check((rule) => (rule.pattern === undefined) !== (rule.keyword === undefined), 'needs exactly one of "pattern" or "keyword"'),
);

/** Why a routing rule is unusable, or undefined when it is fine. */
function ruleProblem(raw: unknown): string | undefined {
  const parsed = v.safeParse(RoutingRuleSchema, raw);
  if (!parsed.success) return describeIssue(parsed.issues[0]!);
  if (parsed.output.pattern === undefined) return undefined;
  try {
    compileSafePattern(parsed.output.pattern);
    return undefined;
  } catch (error) {
    return `"pattern" ${JSON.stringify(parsed.output.pattern)} is not a usable regular expression (${(error as Error).message})`;
  }
}

/** Every usable rule, and one problem per unusable one naming its position and what is wrong. */
export function resolveRoutingRules(list: readonly unknown[]): { rules: RoutingRule[]; problems: SettingProblem[] } {
  const rules: RoutingRule[] = [];
  const bad: Array<{ index: number; why: string }> = [];
  list.forEach((raw, index) => {
    const why = ruleProblem(raw);
    if (why !== undefined) bad.push({ index, why });
    else {
      const rule = raw as { pattern?: string; keyword?: string; tier: RoutedTier };
      rules.push(rule.pattern !== undefined ? { pattern: rule.pattern, tier: rule.tier } : { keyword: rule.keyword!, tier: rule.tier });
    }
  });
  const applying = `${rules.length} other rule${rules.length === 1 ? '' : 's'} appl${rules.length === 1 ? 'ies' : 'y'}`;
  return {
    rules,
    problems: bad.map(({ index, why }) => ({
      setting: `tally.routing.rules[${index}]`,
      message: `${why}; this rule is skipped, ${applying}`,
    })),
  };
}

/** Reads `key` from the current snapshot (the value the feature is using right now). */
function currentValue(settings: TallySettings, key: SettingKey): unknown {
  const [head, tail] = key.split('.') as [string, string | undefined];
  const group = (settings as unknown as Record<string, unknown>)[head];
  return tail === undefined ? group : (group as Record<string, unknown>)[tail];
}

function withValue(settings: TallySettings, key: SettingKey, value: unknown): TallySettings {
  const [head, tail] = key.split('.') as [keyof TallySettings, string | undefined];
  if (tail === undefined) return { ...settings, [head]: value };
  return { ...settings, [head]: { ...(settings[head] as object), [tail]: value } };
}

/**
 * Validates each raw value on its own. A value that fails keeps the previous good one (the
 * default on first read) and yields a problem naming the setting; the rest apply.
 * `read(key)` returns undefined for "not set", which means the default.
 */
export function resolveSettings(
  read: (key: SettingKey) => unknown,
  previous: TallySettings = DEFAULT_SETTINGS,
): { settings: TallySettings; problems: SettingProblem[] } {
  let settings = previous;
  const problems: SettingProblem[] = [];
  for (const key of SETTING_KEYS) {
    const raw = read(key);
    const wanted = raw === undefined ? currentValue(DEFAULT_SETTINGS, key) : raw;
    const result = v.safeParse(SETTING_SCHEMAS[key] as v.GenericSchema, wanted);
    if (result.success && key === 'routing.rules') {
      const checked = resolveRoutingRules(result.output as unknown[]);
      settings = withValue(settings, key, checked.rules);
      problems.push(...checked.problems);
    } else if (result.success) {
      settings = withValue(settings, key, result.output);
    } else {
      const kept = JSON.stringify(currentValue(previous, key));
      problems.push({ setting: `tally.${key}`, message: `${describeIssue(result.issues[0])}; keeping ${kept}` });
    }
  }
  return { settings, problems };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []).map((item) => (typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`)).join('');
  return path ? `${path.replace(/^\./, '')}: ${issue.message}` : issue.message;
}

/**
 * Tier models must name a model in the price table (id or alias); an unknown one keeps the
 * previous model for that tier, so estimates and sends keep working while the user fixes it.
 */
export function checkTierModels(
  settings: TallySettings,
  previous: TallySettings,
  table: PriceTable,
): { settings: TallySettings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const models = { ...settings.models };
  for (const tier of ROUTED_TIERS) {
    const found = findModel(table, models[tier]);
    if (found) models[tier] = found.id;
    else {
      const fallback = safeResolve(table, previous.models[tier]) ?? table.tierDefaults[tier];
      // The settings editor lists the known ids in its dropdown; the message names only what matters.
      problems.push({ setting: `tally.models.${tier}`, message: `${unknownModelMessage(table, models[tier])}; keeping ${fallback}` });
      models[tier] = fallback;
    }
  }
  return { settings: { ...settings, models }, problems };
}

/**
 * Every allow-list entry must name a model in the price table (id or alias; stored as the id).
 * Any unknown name keeps the previous good list, so a typo never silently widens or empties it.
 */
export function checkAllowList(
  settings: TallySettings,
  previous: TallySettings,
  table: PriceTable,
): { settings: TallySettings; problems: SettingProblem[] } {
  const resolved = settings.routing.allowList.map((name) => ({ name, id: safeResolve(table, name) }));
  const unknown = resolved.filter((entry) => entry.id === undefined).map((entry) => `"${entry.name}"`);
  if (unknown.length === 0) {
    return { settings: { ...settings, routing: { ...settings.routing, allowList: resolved.map((entry) => entry.id!) } }, problems: [] };
  }
  const kept = previous.routing.allowList.filter((name) => safeResolve(table, name) !== undefined);
  return {
    settings: { ...settings, routing: { ...settings.routing, allowList: kept } },
    problems: [
      {
        setting: 'tally.routing.allowList',
        message: `unknown model${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (not in the price table); keeping ${JSON.stringify(kept)}`,
      },
    ],
  };
}

function safeResolve(table: PriceTable, name: string): string | undefined {
  return findModel(table, name)?.id;
}
