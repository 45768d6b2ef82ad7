// tokens.bin imported as bytes (esbuild's binary loader, webview bundles only).
declare module '*.bin' {
  const bytes: Uint8Array;
  export default bytes;
}
