import * as v from 'valibot';
import { formatUsd } from '../../core/format.js';

// Pure parsing of what a user types into the budget prompts, so each bad value gets one clear
// message (shown under the input box) and nothing is written until the value is good.

export type BudgetField = 'dailyUsd' | 'monthlyUsd' | 'warnAt' | 'confirmAboveUsd';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** "$5", "5.00", "1,250" → dollars; empty → null (no budget). */
export function parseUsdInput(text: string): Parsed<number | null> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  const cleaned = trimmed.replace(/^\$/, '').replace(/,/g, '').trim();
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(cleaned))
    return {
      ok: false,
      message: `"${trimmed}" is not an amount in US dollars; type a number such as 5 or 0.50, or leave it empty for no limit`,
    };
  return { ok: true, value: Number(cleaned) };
}

/** "80", "80%" or "0.8" → 0.8. Values above 1 are read as percentages. */
export function parseWarnAtInput(text: string): Parsed<number> {
  const trimmed = text.trim();
  const cleaned = trimmed.replace(/%$/, '').trim();
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(cleaned))
    return { ok: false, message: `"${trimmed}" is not a percentage; type a number from 1 to 100, such as 80` };
  const number = Number(cleaned);
  const share = trimmed.endsWith('%') || number > 1 ? number / 100 : number;
  if (share <= 0 || share > 1) return { ok: false, message: `the warning level must be between 1% and 100% (got ${trimmed})` };
  return { ok: true, value: Math.round(share * 10000) / 10000 };
}

export function describeBudgetValue(field: BudgetField, value: number | null): string {
  if (field === 'warnAt') return `${Math.round((value ?? 0) * 100)}%`;
  return value === null ? 'not set' : formatUsd(value);
}

const usdOrNull = v.nullable(v.pipe(v.number('must be a number of US dollars'), v.minValue(0, 'must not be negative')));

/** `tally.setBudget` called with arguments (scripts, tests): set these fields without prompting. */
export const BudgetArgumentsSchema = v.strictObject({
  dailyUsd: v.optional(usdOrNull),
  monthlyUsd: v.optional(usdOrNull),
  warnAt: v.optional(
    v.pipe(v.number('must be a number'), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
  ),
  confirmAboveUsd: v.optional(usdOrNull),
});
export type BudgetArguments = v.InferOutput<typeof BudgetArgumentsSchema>;
