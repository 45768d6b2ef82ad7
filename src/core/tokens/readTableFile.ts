// The word tables' bytes in Node: tokens.bin beside this module, which is dist/ in the bundles
// (esbuild.js copies it there) and src/core/tokens/ when running from source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TABLE_FILE_NAME = 'tokens.bin';

export function readTableFile(): Uint8Array {
  return readFileSync(join(__dirname, TABLE_FILE_NAME));
}
