import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseBudget, type Budget } from '../core/budget/index.js';
import { isCalendarDate, isTimeZone, systemTimeZone } from '../core/dates.js';
import { InputError } from '../core/errors.js';
import type { CliIO } from './io.js';

export interface Command {
  summary: string;
  /** Shown for `--help` (by runCli, before the command runs) and after a flag error. */
  usage: string;
  run: (args: string[], io: CliIO) => Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into one-line InputErrors that show the usage. */
export function parseFlags<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError(`${(error as Error).message.split('\n')[0]}\nusage: ${usage}`);
  }
}

export function parseNumberFlag(
  value: string | undefined,
  flag: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max || (integer && !Number.isInteger(number))) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new InputError(`--${flag} expects ${integer ? 'a whole number' : 'a number'} ${range}, got "${value}"`);
  }
  return number;
}

/** A --date style flag: a real calendar day as YYYY-MM-DD (2026-02-30 is refused). */
export function parseDateFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isCalendarDate(value)) throw new InputError(`--${flag} expects a calendar date as YYYY-MM-DD, got "${value}"`);
  return value;
}

export function writeJson(io: CliIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value)}\n`);
}

/** The flags every spending command takes for a hard budget. */
export const BUDGET_FLAGS = { 'daily-budget': { type: 'string' }, 'monthly-budget': { type: 'string' } } as const;

/** --daily-budget and --monthly-budget as a budget (unset when not given), with one-line errors. */
export function parseBudgetFlags(values: { 'daily-budget'?: string | undefined; 'monthly-budget'?: string | undefined }): Budget {
  return parseBudget(
    {
      dailyUsd: parseNumberFlag(values['daily-budget'], 'daily-budget') ?? null,
      monthlyUsd: parseNumberFlag(values['monthly-budget'], 'monthly-budget') ?? null,
    },
    'budget flags',
  );
}

/** The time zone the CLI counts days in: TALLY_TIME_ZONE (an IANA name such as Europe/Paris), else the system's. */
export function cliTimeZone(env: NodeJS.ProcessEnv): string {
  const wanted = env['TALLY_TIME_ZONE']?.trim();
  if (!wanted) return systemTimeZone();
  if (!isTimeZone(wanted))
    throw new InputError(`TALLY_TIME_ZONE "${wanted}" is not a time zone (expected a name such as Europe/Paris or UTC)`);
  return wanted;
}
