import { parseArgs, type ParseArgsConfig } from 'node:util';
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

export function parseNumberFlag(value: string | undefined, flag: string, { min = 0, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < min || (integer && !Number.isInteger(number))) {
    throw new InputError(`--${flag} expects ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${value}"`);
  }
  return number;
}

export function writeJson(io: CliIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value)}\n`);
}
