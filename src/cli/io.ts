import { isUtf8 } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** Where a command reads and writes, so tests can run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input as it arrives: readers stop at their byte limit instead of holding all of it. */
  stdin: () => AsyncIterable<Uint8Array>;
  env: NodeJS.ProcessEnv;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => process.stdin,
  env: process.env,
};

/** Largest prompt Tally accepts: far above any model's context window, far below memory trouble. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;
const MB = 1024 * 1024;

const tooLarge = (name: string) =>
  new InputError(`${name}: larger than the ${MAX_INPUT_BYTES / MB} MB Tally accepts (no model's context holds that much)`);

/** Reads a prompt from a file or `-`/nothing for stdin, refusing empty, binary, invalid UTF-8 or huge input. */
export async function readTextInput(io: CliIO, file: string | undefined, what = 'input'): Promise<string> {
  if (!file || file === '-') {
    const name = `${what} (stdin)`;
    return decodeText(await readStreamCapped(io.stdin(), name), name);
  }
  return decodeText(readFileOrThrow(file), file);
}

/** readTextInput's checks without decoding: the UTF-8 bytes (the token count reads them as they are). */
export async function readTextBytes(io: CliIO, file: string | undefined, what = 'input'): Promise<Buffer> {
  const name = !file || file === '-' ? `${what} (stdin)` : file;
  const bytes = !file || file === '-' ? await readStreamCapped(io.stdin(), name) : readFileOrThrow(file);
  checkText(bytes, name);
  return bytes;
}

/** Collects a stream up to MAX_INPUT_BYTES; one byte more and it stops reading (`< /dev/zero` ends at once). */
export async function readStreamCapped(stream: AsyncIterable<Uint8Array>, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) {
      (stream as { destroy?: () => void }).destroy?.();
      throw tooLarge(name);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads a file up to MAX_INPUT_BYTES. It reads by chunks rather than asking for the whole file, so a
 * device or pipe with no end (/dev/zero, a FIFO) is refused at the limit instead of filling memory.
 */
export function readFileOrThrow(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileError(file, error);
  }
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(4 * MB, MAX_INPUT_BYTES + 1 - size));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      size += read;
      if (size > MAX_INPUT_BYTES) throw tooLarge(file);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, size);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(file, error);
  } finally {
    closeSync(fd);
  }
}

function fileError(file: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
  return new InputError(`${file}: ${reason}`);
}

/**
 * Streams JSON Lines from stdin (any number of lines, each up to 32 MB): each line is decoded and
 * parsed, then given to `handle`, which returns why the record cannot be used, or nothing. A bad line
 * is reported with its number and the rest go on; the exit code is 2 if any line was bad.
 */
export async function eachJsonLine(
  io: CliIO,
  file: string | undefined,
  command: string,
  handle: (record: unknown) => string | undefined,
): Promise<number> {
  let bad = 0;
  const source = !file || file === '-' ? io.stdin() : openFileStream(file);
  for await (const { number, bytes } of readLines(source)) {
    const problem = bytes === null ? 'longer than 32 MB' : jsonLineProblem(bytes, handle);
    if (problem) {
      bad++;
      io.stderr(`tally ${command}: line ${number}: ${problem}, skipped\n`);
    }
  }
  return bad > 0 ? 2 : 0;
}

/** A file as a stream of chunks, with the same one-line errors as readFileOrThrow. */
async function* openFileStream(file: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(file)) yield chunk as Buffer;
  } catch (error) {
    throw fileError(file, error);
  }
}

function jsonLineProblem(bytes: Buffer, handle: (record: unknown) => string | undefined): string | undefined {
  if (bytes.every((byte) => byte === 32 || byte === 9 || byte === 13)) return undefined; // blank lines are skipped quietly
  let line: string;
  try {
    line = decodeText(bytes, 'line');
  } catch (error) {
    return (error as Error).message.replace(/^line: /, '');
  }
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return `expected a JSON object, got ${line.trim().slice(0, 40)}`;
  return handle(record);
}

/** Lines of a stream, each as bytes without its newline; a line over the limit is reported, not held. */
async function* readLines(stream: AsyncIterable<Uint8Array>): AsyncGenerator<{ number: number; bytes: Buffer | null }> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let overLimit = false;
  let number = 0;
  for await (const raw of stream) {
    let chunk = Buffer.from(raw);
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10)) {
      number++;
      if (!overLimit) pending.push(chunk.subarray(0, newline));
      yield { number, bytes: overLimit ? null : Buffer.concat(pending) };
      pending = [];
      pendingSize = 0;
      overLimit = false;
      chunk = chunk.subarray(newline + 1);
    }
    pendingSize += chunk.length;
    if (pendingSize > MAX_INPUT_BYTES) {
      overLimit = true;
      pending = [];
    } else if (chunk.length > 0) pending.push(chunk);
  }
  if (pendingSize > 0) yield { number: number + 1, bytes: overLimit ? null : Buffer.concat(pending) };
}

export function decodeText(bytes: Buffer, name: string): string {
  checkText(bytes, name);
  return bytes.toString('utf8');
}

function checkText(bytes: Buffer, name: string): void {
  if (bytes.length > MAX_INPUT_BYTES) throw tooLarge(name);
  if (bytes.length === 0) throw new InputError(`${name}: is empty`);
  if (bytes.includes(0)) throw new InputError(`${name}: looks binary (contains a NUL byte), expected text`);
  if (!isUtf8(bytes)) throw new InputError(`${name}: is not valid UTF-8 text`);
}

/** A text file named on the command line: capped, and refused when empty, binary or not UTF-8. */
export function readTextFile(file: string): string {
  return decodeText(readFileOrThrow(file), file);
}
