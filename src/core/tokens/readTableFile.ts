// The word tables' bytes: in Node, tokens.bin beside this module, which is dist/ in the bundles
// (esbuild.js copies it there) and src/core/tokens/ when running from source; in a webview bundle,
// where no file can be read, esbuild.js inlines them as TALLY_TOKEN_TABLES (base64). Node's
// modules are required here, not imported, so that a browser bundle builds without them.

import type * as Fs from 'node:fs';
import type * as Path from 'node:path';

export const TABLE_FILE_NAME = 'tokens.bin';

declare const TALLY_TOKEN_TABLES: string | undefined;

/** The tables' bytes, or undefined where there are none (a browser bundle built without them). */
export function readTableFile(): Uint8Array | undefined {
  if (typeof TALLY_TOKEN_TABLES === 'string') return Uint8Array.from(atob(TALLY_TOKEN_TABLES), (c) => c.charCodeAt(0));
  let fs: typeof Fs;
  let path: typeof Path;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- see above: a browser bundle must build without them */
    fs = require('node:fs');
    path = require('node:path');
    /* eslint-enable @typescript-eslint/no-require-imports */
  } catch {
    return undefined;
  }
  return fs.readFileSync(path.join(__dirname, TABLE_FILE_NAME));
}
