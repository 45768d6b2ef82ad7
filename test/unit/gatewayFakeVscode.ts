// Just enough of the `vscode` API for registerGateway to run in a unit test: settings with user and
// workspace values, mementos, secrets, the terminal environment collection, messages, commands and
// the clipboard. Installed as the `vscode` module before the extension code is loaded.
import Module from 'node:module';

type Listener<T> = (value: T) => void;

export class FakeEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
}

export interface FakeVscode {
  /** tally.gateway.<key> → where it is set. */
  user: Record<string, unknown>;
  workspace: Record<string, unknown>;
  /** What showInformationMessage answers next (by default: dismissed). */
  answers: Array<string | undefined>;
  messages: string[];
  warnings: string[];
  env: Map<string, string>;
  clipboard: string;
  commands: Map<string, () => unknown>;
  configChanged: FakeEmitter<{ affectsConfiguration(section: string): boolean }>;
  /** Changes a user setting and fires the change event, as the Settings editor does. */
  setUser(key: string, value: unknown): void;
  context(): FakeContext;
}

export interface FakeContext {
  subscriptions: Array<{ dispose(): void }>;
  globalState: Memento;
  workspaceState: Memento;
  secrets: { get(key: string): Promise<string | undefined>; store(key: string, value: string): Promise<void> };
  environmentVariableCollection: {
    description: unknown;
    replace(name: string, value: string): void;
    delete(name: string): void;
  };
}

class Memento {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

export function installFakeVscode(): FakeVscode {
  const fake: FakeVscode = {
    user: {},
    workspace: {},
    answers: [],
    messages: [],
    warnings: [],
    env: new Map(),
    clipboard: '',
    commands: new Map(),
    configChanged: new FakeEmitter(),
    setUser(key, value) {
      fake.user[key] = value;
      fake.configChanged.fire({ affectsConfiguration: (section) => `tally.gateway.${key}`.startsWith(section) });
    },
    context() {
      const secrets = new Map<string, string>();
      return {
        subscriptions: [],
        globalState: new Memento(),
        workspaceState: new Memento(),
        secrets: {
          get: (key) => Promise.resolve(secrets.get(key)),
          store: (key, value) => Promise.resolve(void secrets.set(key, value)),
        },
        environmentVariableCollection: {
          description: undefined,
          replace: (name, value) => void fake.env.set(name, value),
          delete: (name) => void fake.env.delete(name),
        },
      };
    },
  };
  const vscode = {
    MarkdownString: class {
      constructor(readonly value: string) {}
    },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    workspace: {
      getConfiguration: (section: string) => ({
        inspect: (key: string) => {
          const name = section === 'tally.gateway' ? key : key.replace(/^gateway\./, '');
          return { globalValue: fake.user[name], workspaceValue: fake.workspace[name], workspaceFolderValue: undefined };
        },
        update: (key: string, value: unknown) => Promise.resolve(fake.setUser(key, value)),
      }),
      onDidChangeConfiguration: fake.configChanged.event,
      onDidChangeWorkspaceFolders: new FakeEmitter<void>().event,
    },
    window: {
      showInformationMessage: (message: string) => {
        fake.messages.push(message);
        return Promise.resolve(fake.answers.shift());
      },
      showWarningMessage: (message: string) => {
        fake.warnings.push(message);
        return Promise.resolve(undefined);
      },
    },
    commands: {
      registerCommand: (name: string, run: () => unknown) => {
        fake.commands.set(name, run);
        return { dispose: () => fake.commands.delete(name) };
      },
    },
    env: {
      clipboard: {
        writeText: (text: string) => {
          fake.clipboard = text;
          return Promise.resolve();
        },
      },
    },
  };
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, ...rest);
  };
  return fake;
}
