// House rules a machine checks: typescript-eslint on every TypeScript file, and the layer rules of
// ARCHITECTURE.md as import boundaries (core knows nothing of its hosts; webviews run in a browser).
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'stream', 'url', 'util', 'zlib'];

/** A layer's allowed imports, stated as what it may not import. */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'demo/workspace/**',
      'node_modules/**',
      'test-results/**',
      'out/**',
      'media/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after'] }],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'no-control-regex': 'off',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
    settings: { 'import-x/resolver': { typescript: true, node: true } },
  },
  layer(
    ['src/core/**'],
    ['vscode', '**/cli/**', '**/extension/**', '**/webview/**', '**/gateway/**', '**/protocol/**', '**/simulator/**'],
    'src/core is pure: it imports nothing of its hosts (cli, extension, gateway), the webviews or vscode',
  ),
  layer(
    ['src/protocol/**'],
    ['vscode', ...nodeBuiltins, '**/cli/**', '**/extension/**', '**/webview/**', '**/gateway/**'],
    'src/protocol holds only the typed messages both sides of a webview import',
  ),
  layer(
    ['src/webview/**'],
    ['vscode', ...nodeBuiltins, '**/cli/**', '**/extension/**', '**/gateway/**'],
    'webviews run in a browser sandbox: no Node, no vscode; they talk to the host through src/protocol',
  ),
  layer(
    ['src/simulator/**'],
    ['vscode', '**/cli/**', '**/extension/**', '**/webview/**', '**/gateway/**', '**/protocol/**'],
    'the simulated Anthropic API stands alone: it may read core (prices, token counts), nothing of the hosts',
  ),
  layer(
    ['src/telemetry/**'],
    ['vscode', '**/cli/**', '**/extension/**', '**/webview/**', '**/gateway/**', '**/protocol/**', '**/simulator/**'],
    'src/telemetry is its own bundle for every host: it imports core and OpenTelemetry, nothing of the hosts',
  ),
  layer(['src/cli/**'], ['vscode', '**/extension/**', '**/webview/**'], 'the CLI runs without VS Code'),
  layer(['src/gateway/**'], ['vscode', '**/cli/**', '**/extension/**', '**/webview/**'], 'the gateway runs without VS Code'),
  {
    // Vocabularies stay one phrase per line, so a change to them shows in a diff (Prettier does not wrap regexes).
    files: ['src/core/router/signals/**'],
    rules: { 'max-len': ['error', { code: 140, ignoreComments: true, ignoreUrls: true }] },
  },
  layer(['src/extension/**'], ['**/cli/**', '**/webview/**'], 'the extension reaches webviews only through src/protocol'),
);
