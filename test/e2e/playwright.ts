// playwright-core lives in the e2e tool cache (scripts/e2e-install.mjs), not in the project's
// dependencies, so users' `npm ci` never pulls it. These are the few parts of its API the harness
// uses, typed here so that `tsc` checks the journeys without the package being installed.
import { createRequire } from 'node:module';

export interface WaitOptions {
  timeout?: number;
  state?: 'attached' | 'detached' | 'visible' | 'hidden';
}

export interface Locator {
  first(): Locator;
  last(): Locator;
  nth(index: number): Locator;
  filter(options: { hasText?: string | RegExp; has?: Locator }): Locator;
  locator(selector: string): Locator;
  count(): Promise<number>;
  click(options?: { timeout?: number }): Promise<void>;
  hover(options?: { timeout?: number }): Promise<void>;
  selectOption(value: string, options?: { timeout?: number }): Promise<string[]>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  pressSequentially(text: string, options?: { delay?: number; timeout?: number }): Promise<void>;
  innerText(options?: { timeout?: number }): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  inputValue(options?: { timeout?: number }): Promise<string>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  isVisible(): Promise<boolean>;
  waitFor(options?: WaitOptions): Promise<void>;
  evaluate<R>(fn: (element: Element) => R): Promise<R>;
  evaluateAll<R>(fn: (elements: Element[]) => R): Promise<R>;
}

export interface Frame {
  url(): string;
  locator(selector: string): Locator;
  isDetached(): boolean;
  evaluate<R>(fn: () => R): Promise<R>;
}

export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' }): Promise<unknown>;
  locator(selector: string): Locator;
  frames(): Frame[];
  keyboard: {
    press(key: string): Promise<void>;
    type(text: string, options?: { delay?: number }): Promise<void>;
    insertText(text: string): Promise<void>;
  };
  mouse: { move(x: number, y: number): Promise<void> };
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  close(): Promise<void>;
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number }; deviceScaleFactor?: number }): Promise<Page>;
  close(): Promise<void>;
}

interface PlaywrightCore {
  chromium: {
    launch(options: { executablePath: string; headless: boolean; args: string[]; timeout?: number }): Promise<Browser>;
  };
}

export function loadPlaywright(playwrightCoreDir: string): PlaywrightCore {
  const require = createRequire(__filename);
  return require(playwrightCoreDir) as PlaywrightCore;
}
