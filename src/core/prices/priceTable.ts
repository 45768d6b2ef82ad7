import bundledPrices from './models.json';
import { InputError } from '../errors.js';
import { ROUTED_TIERS, type RoutedTier } from '../tiers.js';
import { parseJsonOrThrow, parseOrThrow } from '../validation.js';
import {
  ModelSchema,
  PriceFileSchema,
  PriceOverrideFileSchema,
  TIERS,
  type ModelInfo,
  type PriceFile,
  type RatePeriod,
  type Tier,
} from './schema.js';

export interface PriceTable {
  readonly source: PriceFile['source'];
  readonly batchDiscount: number;
  readonly tierDefaults: Readonly<Record<Tier, string>>;
  readonly models: readonly ModelInfo[];
}

/** The model each routed tier uses unless the user says otherwise: the one place these ids are written (models.json). */
export const DEFAULT_TIER_MODELS: Readonly<Record<RoutedTier, string>> = Object.freeze({
  haiku: bundledPrices.tierDefaults.haiku,
  sonnet: bundledPrices.tierDefaults.sonnet,
  opus: bundledPrices.tierDefaults.opus,
});

/** The table with the user's tier → model mapping, so "sonnet" means the user's Sonnet everywhere (router, estimate, ledger). */
export function withTierModels(table: PriceTable, models: Readonly<Record<RoutedTier, string>>): PriceTable {
  const same = ROUTED_TIERS.every((tier) => table.tierDefaults[tier] === models[tier]);
  return same ? table : { ...table, tierDefaults: { ...table.tierDefaults, ...models } };
}

/** The table shipped with Tally (validated once, so a bad edit to models.json fails the tests). */
export function bundledPriceTable(): PriceTable {
  return parseOrThrow(PriceFileSchema, bundledPrices, 'bundled models.json');
}

/**
 * Applies a user's override file: entries with a known id change only the fields they give,
 * new ids must be complete models. Errors name the file, the entry and the field.
 */
export function applyPriceOverrides(base: PriceTable, overrideJson: string, fileName: string): PriceTable {
  const overrides = parseJsonOrThrow(PriceOverrideFileSchema, overrideJson, fileName);
  const models = new Map(base.models.map((model) => [model.id, model]));
  const seen = new Map<string, number>();
  (overrides.models ?? []).forEach((entry, index) => {
    const first = seen.get(entry.id);
    if (first !== undefined) {
      throw new InputError(`${fileName}: models[${index}] (${entry.id}) lists the same model as models[${first}]; give each model once`);
    }
    seen.set(entry.id, index);
    const existing = models.get(entry.id);
    const merged = existing ? { ...existing, ...stripUndefined(entry) } : entry;
    const label = `${fileName}: models[${index}] (${entry.id})`;
    models.set(entry.id, parseOrThrow(ModelSchema, merged, existing ? label : `${label}, a new model, needs every field;`));
  });
  const table: PriceTable = {
    source: overrides.source ?? base.source,
    batchDiscount: base.batchDiscount,
    tierDefaults: { ...base.tierDefaults, ...stripUndefined(overrides.tierDefaults ?? {}) },
    models: [...models.values()],
  };
  for (const tier of TIERS) {
    if (!table.models.some((model) => model.id === table.tierDefaults[tier])) {
      throw new InputError(`${fileName}: tierDefaults.${tier} names "${table.tierDefaults[tier]}", which is not a model in the table`);
    }
  }
  return table;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The model a name means (id, alias, case-insensitive, or tier name), or undefined. */
export function findModel(table: PriceTable, name: string): ModelInfo | undefined {
  const wanted = name.trim().toLowerCase();
  const tierModel = (TIERS as readonly string[]).includes(wanted) ? table.tierDefaults[wanted as Tier] : undefined;
  const target = tierModel ?? wanted;
  return table.models.find((model) => model.id.toLowerCase() === target || model.aliases.some((alias) => alias.toLowerCase() === target));
}

/** "unknown model "x"; did you mean y?" without the list of every id (for places that show the list another way). */
export function unknownModelMessage(table: PriceTable, name: string): string {
  const suggestion = closestName(table, name.trim().toLowerCase());
  return `unknown model "${name}"${suggestion ? `; did you mean ${suggestion}?` : ''}`;
}

/** Finds a model by id, alias (case-insensitive) or tier name; unknown names get a suggestion. */
export function resolveModel(table: PriceTable, name: string): ModelInfo {
  const found = findModel(table, name);
  if (found) return found;
  const wanted = name.trim().toLowerCase();
  const suggestion = closestName(table, wanted);
  throw new InputError(
    `unknown model "${name}"${suggestion ? `; did you mean ${suggestion}?` : ''} (known: ${table.models.map((m) => m.id).join(', ')}, or a tier: haiku, sonnet, opus)`,
  );
}

/** The rate period in force on `date` (YYYY-MM-DD, UTC): the latest one that started on or before it. */
export function ratesOn(model: ModelInfo, date: string): RatePeriod {
  let chosen: RatePeriod | undefined;
  for (const period of model.rates) {
    if (period.from !== null && period.from > date) continue;
    if (!chosen || (chosen.from ?? '') <= (period.from ?? '')) chosen = period;
  }
  if (!chosen) throw new InputError(`${model.id} has no price before ${model.rates.map((r) => r.from).sort()[0]}; asked for ${date}`);
  return chosen;
}

function closestName(table: PriceTable, wanted: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const model of table.models) {
    for (const name of [model.id, ...model.aliases]) {
      const distance = editDistance(wanted, name.toLowerCase());
      if (!best || distance < best.distance) best = { name: model.id, distance };
    }
  }
  return best && best.distance <= Math.max(2, Math.floor(wanted.length / 4)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
