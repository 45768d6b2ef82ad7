// The word tables' bytes in a webview bundle, where no file can be read: esbuild.js swaps this
// module in for readTableFile.ts and inlines tokens.bin (binary loader).
import bytes from './tokens.bin';

export const TABLE_FILE_NAME = 'tokens.bin';

export function readTableFile(): Uint8Array {
  return bytes;
}
