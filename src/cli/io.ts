import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** Where a command reads and writes, so tests can run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<Buffer>;
  env: NodeJS.ProcessEnv;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
  env: process.env,
};

/** Largest prompt Tally accepts: far above any model's context window, far below memory trouble. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** Reads a prompt from a file or `-`/nothing for stdin, refusing empty, binary, invalid UTF-8 or huge input. */
export async function readTextInput(io: CliIO, file: string | undefined, what = 'input'): Promise<string> {
  return (await readTextBytes(io, file, what)).toString('utf8');
}

/** readTextInput's checks without decoding: the UTF-8 bytes (the token count reads them as they are). */
export async function readTextBytes(io: CliIO, file: string | undefined, what = 'input'): Promise<Buffer> {
  const bytes = !file || file === '-' ? await io.readStdin() : readFileOrThrow(file);
  checkText(bytes, !file || file === '-' ? `${what} (stdin)` : file);
  return bytes;
}

export function readFileOrThrow(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`,
    );
  }
}

export function decodeText(bytes: Buffer, name: string): string {
  checkText(bytes, name);
  return bytes.toString('utf8');
}

function checkText(bytes: Buffer, name: string): void {
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new InputError(
      `${name}: ${(bytes.length / 1024 / 1024).toFixed(1)} MB is larger than the ${MAX_INPUT_BYTES / 1024 / 1024} MB Tally accepts (no model's context holds that much)`,
    );
  }
  if (bytes.length === 0) throw new InputError(`${name}: is empty`);
  if (bytes.includes(0)) throw new InputError(`${name}: looks binary (contains a NUL byte), expected text`);
  if (!isUtf8(bytes)) throw new InputError(`${name}: is not valid UTF-8 text`);
}
