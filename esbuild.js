// Builds four kinds of bundle: the CLI (Node), the extension (Node, `vscode` external), opt-in
// telemetry (Node) and the webviews (browser). `--production` minifies; `--watch` rebuilds on change.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the `file:line:col: error: text` form VS Code's esbuild problem matcher reads. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const shared = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemMatcherPlugin],
};

const exists = (file) => fs.existsSync(path.join(__dirname, file));

// Libraries that only some users need stay out of the main bundles: each is built once into
// dist/node_modules/<name>, where Node's require() from dist/*.js finds it, and loaded on first use.
const lazyPackages = { re2js: 'node_modules/re2js/build/index.cjs' };

const configs = [
  {
    ...shared,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    // Always minified: a whole `tally count` is start-up bound, and a smaller file reads and compiles faster.
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external: Object.keys(lazyPackages),
  },
  ...Object.entries(lazyPackages).map(([name, entry]) => ({
    ...shared,
    entryPoints: [entry],
    outfile: `dist/node_modules/${name}/index.js`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  })),
];
// Opt-in telemetry (OpenTelemetry SDK and exporters) is its own bundle, loaded by path only when the
// user turns it on, so dist/extension.js and dist/cli.js carry none of it.
configs.push({
  ...shared,
  entryPoints: ['src/telemetry/index.ts'],
  outfile: 'dist/telemetry.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
});
if (exists('src/extension/extension.ts')) {
  configs.push({
    ...shared,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', ...Object.keys(lazyPackages)],
  });
}
const webviewEntries = ['chat', 'dashboard'].filter((name) => exists(`src/webview/${name}/main.ts`));
if (webviewEntries.length > 0) {
  configs.push({
    ...shared,
    entryPoints: Object.fromEntries(webviewEntries.map((name) => [name, `src/webview/${name}/main.ts`])),
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // A webview cannot read files: where one still carries the token estimator, its word tables
    // are inlined (the Node bundles read dist/tokens.bin on first use instead).
    define: { TALLY_TOKEN_TABLES: JSON.stringify(fs.readFileSync(path.join(__dirname, 'src/core/tokens/tokens.bin')).toString('base64')) },
  });
}

/** The estimator's word tables ship once, beside the Node bundles that read them on first use. */
function copyTokenTables() {
  fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'src/core/tokens/tokens.bin'), path.join(__dirname, 'dist/tokens.bin'));
}

async function main() {
  copyTokenTables();
  const contexts = await Promise.all(configs.map((config) => esbuild.context(config)));
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    return;
  }
  const results = await Promise.all(contexts.map((ctx) => ctx.rebuild().catch((error) => error)));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
  const failed = results.filter((r) => r instanceof Error);
  if (failed.length > 0) process.exit(1);
  fs.chmodSync(path.join(__dirname, 'dist/cli.js'), 0o755);
  for (const name of Object.keys(lazyPackages)) {
    const manifest = { name, private: true, main: 'index.js', note: 'bundled by esbuild.js; loaded on first use' };
    fs.writeFileSync(path.join(__dirname, `dist/node_modules/${name}/package.json`), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
