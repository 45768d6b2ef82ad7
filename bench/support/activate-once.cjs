// Loads an extension bundle with a stand-in `vscode` module and runs activate() once, printing
// the milliseconds for require + activate. The stand-in answers every property and call with
// another stand-in (events give disposables), which is enough for activation's wiring.
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

function stub(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_target, key) {
      // Awaited, a stand-in resolves to nothing (a dismissed message, an empty secret).
      if (key === 'then') return (resolve) => resolve(undefined);
      // Settings and mementos read as unset: the defaults apply, as in a fresh profile.
      if (key === 'get' || key === 'inspect') return () => undefined;
      if (key === Symbol.toPrimitive) return () => name;
      if (key === 'dispose') return () => {};
      if (key === 'workspaceFolders') return [{ uri: { fsPath: process.cwd(), toString: () => 'file://' + process.cwd() }, name: 'bench' }];
      if (key === 'isTrusted') return true;
      return stub(`${name}.${String(key)}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
    // Activation sets properties on what it creates (a status bar item's text, a name): accept them.
    set() {
      return true;
    },
    defineProperty() {
      return true;
    },
  });
}
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
// A plain object with the API's namespaces and classes: bundlers copy a module's own properties.
const names = [
  'window',
  'workspace',
  'commands',
  'languages',
  'env',
  'lm',
  'chat',
  'extensions',
  'authentication',
  'Uri',
  'EventEmitter',
  'Disposable',
  'StatusBarAlignment',
  'ThemeColor',
  'ThemeIcon',
  'MarkdownString',
  'ViewColumn',
  'RelativePattern',
  'TreeItem',
  'TreeItemCollapsibleState',
  'ProgressLocation',
  'ConfigurationTarget',
  'LanguageModelTextPart',
  'LanguageModelToolCallPart',
  'LanguageModelToolResultPart',
  'LanguageModelChatMessageRole',
  'CancellationTokenSource',
  'Range',
  'Position',
  'Selection',
];
const vscode = Object.fromEntries(names.map((name) => [name, stub(name)]));
require.cache['vscode'] = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const started = performance.now();
try {
  const extension = require(process.argv[2]);
  extension.activate(stub('context'));
} catch (error) {
  process.stderr.write(`${error.stack.split('\n').slice(0, 3).join('\n').slice(0, 500)}\n`);
  process.exit(1);
}
process.stdout.write(String(performance.now() - started));
process.exit(0);
