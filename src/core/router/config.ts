import * as v from 'valibot';
import { InputError } from '../errors.js';
import { compileSafePattern, type SafePattern } from './safePattern.js';
import { parseJsonOrThrow } from '../validation.js';
import { ROUTER_TIERS, TASK_CLASSES, type RouterTier, type TaskClass } from './types.js';

/** A workspace rule: when the prompt matches, the rule's tier wins over the classifier. */
export interface RouterRule {
  name: string;
  tier: RouterTier;
  matches: (prompt: string) => boolean;
}

export interface RouterConfig {
  /** 'local' (default): no network. 'model': a cheap model classifies, the local classifier is the fallback. */
  mode: 'local' | 'model';
  models: Readonly<Record<RouterTier, string>>;
  /** Models the router may pick; undefined = any. */
  allowList?: readonly string[];
  rules: readonly RouterRule[];
  maxTokens: Readonly<Record<TaskClass, number>>;
  /** The model asked to classify in 'model' mode. */
  classifierModel: string;
}

/** max_tokens by task class: a label needs tens of tokens, a design answer thousands. */
export const DEFAULT_MAX_TOKENS: Readonly<Record<TaskClass, number>> = {
  classify: 256,
  naming: 256,
  lookup: 1024,
  summary: 512,
  extract: 2048,
  transform: 4096,
  annotate: 4096,
  explain: 2048,
  debug: 4096,
  review: 4096,
  write: 8192,
  investigate: 8192,
  design: 16000,
};

export const defaultRouterConfig: RouterConfig = Object.freeze({
  mode: 'local',
  models: Object.freeze({ haiku: 'claude-haiku-5-5', sonnet: 'claude-sonnet-5-5', opus: 'claude-opus-5-5' }),
  rules: Object.freeze([]),
  maxTokens: DEFAULT_MAX_TOKENS,
  classifierModel: 'claude-haiku-5-5',
}) as RouterConfig;

const tier = v.picklist(ROUTER_TIERS, `must be one of ${ROUTER_TIERS.join(', ')}`);
const modelName = v.pipe(v.string('must be a model id'), v.trim(), v.nonEmpty('must not be empty'));
const tokenLimit = v.optional(
  v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')),
);
const text = v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty'));

const RuleSchema = v.pipe(
  v.strictObject({
    name: v.optional(text),
    tier,
    pattern: v.optional(text),
    flags: v.optional(v.pipe(v.string('must be a string'), v.regex(/^[dgimsuvy]*$/, 'must be regular-expression flags such as "i"'))),
    keyword: v.optional(text),
    keywords: v.optional(v.pipe(v.array(text, 'must be a list of strings'), v.nonEmpty('must not be empty'))),
  }),
  v.check(
    (rule) => [rule.pattern, rule.keyword, rule.keywords].filter((x) => x !== undefined).length === 1,
    'needs exactly one of "pattern", "keyword" or "keywords"',
  ),
);

const ConfigFileSchema = v.strictObject({
  mode: v.optional(v.picklist(['local', 'model'], 'must be "local" or "model"')),
  models: v.optional(v.strictObject({ haiku: v.optional(modelName), sonnet: v.optional(modelName), opus: v.optional(modelName) })),
  allowList: v.optional(v.pipe(v.array(modelName, 'must be a list of model ids'), v.nonEmpty('must name at least one model'))),
  rules: v.optional(v.array(RuleSchema, 'must be a list of rules')),
  maxTokens: v.optional(
    v.strictObject(Object.fromEntries(TASK_CLASSES.map((name) => [name, tokenLimit])) as Record<TaskClass, typeof tokenLimit>),
  ),
  classifierModel: v.optional(modelName),
});

/**
 * Reads a router config file (JSON) over the defaults. Errors name the file, the entry and the
 * field; a rule whose regular expression does not compile is reported with the engine's message.
 */
export function parseRouterConfig(json: string, fileName: string): RouterConfig {
  const file = parseJsonOrThrow(ConfigFileSchema, json, fileName);
  const rules = (file.rules ?? []).map((rule, index): RouterRule => {
    const label = `${fileName}: rules[${index}]${rule.name ? ` (${rule.name})` : ''}`;
    if (rule.pattern !== undefined) {
      let regex: SafePattern;
      try {
        regex = compileSafePattern(rule.pattern, rule.flags ?? 'i');
      } catch (error) {
        throw new InputError(`${label}.pattern: not a valid regular expression: ${(error as Error).message}`);
      }
      return { name: rule.name ?? `/${rule.pattern}/`, tier: rule.tier, matches: (prompt) => regex.test(prompt) };
    }
    if (rule.flags !== undefined) throw new InputError(`${label}.flags: only applies to "pattern" rules`);
    const keywords = (rule.keywords ?? [rule.keyword!]).map((k) => k.toLowerCase());
    return {
      name: rule.name ?? keywords.join(' | '),
      tier: rule.tier,
      matches: (prompt) => {
        const lower = prompt.toLowerCase();
        return keywords.some((keyword) => lower.includes(keyword));
      },
    };
  });
  return {
    mode: file.mode ?? defaultRouterConfig.mode,
    models: { ...defaultRouterConfig.models, ...stripUndefined(file.models ?? {}) },
    ...(file.allowList ? { allowList: file.allowList } : {}),
    rules,
    maxTokens: { ...DEFAULT_MAX_TOKENS, ...stripUndefined(file.maxTokens ?? {}) },
    classifierModel: file.classifierModel ?? defaultRouterConfig.classifierModel,
  };
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
