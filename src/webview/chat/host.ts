import type { TierChoice, WebviewMessage } from '../../protocol/chat.js';

/** What the webview keeps across being hidden and shown (VS Code's webview state). */
export interface PersistedState {
  draft: string;
  choice: TierChoice;
  historyOpen: boolean;
}

/** The page's link to the extension host: messages out, and the saved state. */
export interface Host {
  post(message: WebviewMessage): void;
  saved(): Partial<PersistedState>;
  save(state: PersistedState): void;
}

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Called once when the page starts (never at import, so the modules can be loaded and tested on their own). */
export function connectToHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    saved: () => (api.getState() as Partial<PersistedState> | undefined) ?? {},
    save: (state) => api.setState(state),
  };
}
