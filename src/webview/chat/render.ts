import type { DOMPurify } from 'dompurify';

// Model output is untrusted: Markdown is rendered by marked, then everything passes DOMPurify
// before it reaches innerHTML. The webview's CSP (no inline script, scripts only by nonce) is the
// second wall; this is the first.

/** Links may go to the web or mail only; `javascript:`, `data:`, `vscode:` and `command:` URIs are dropped. */
const SAFE_URI = /^(?:https?:|mailto:)/i;

const SANITIZE_OPTIONS = {
  USE_PROFILES: { html: true },
  // Images could fetch attacker URLs (data exfiltration by a prompt-injected reply); forms and
  // embedded frames have no place in an answer; inline styles could overlay the UI.
  FORBID_TAGS: [
    'img',
    'picture',
    'video',
    'audio',
    'source',
    'iframe',
    'object',
    'embed',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'style',
    'link',
    'meta',
    'base',
    'svg',
    'math',
  ],
  FORBID_ATTR: ['style', 'srcset', 'formaction', 'action', 'target'],
  ALLOWED_URI_REGEXP: SAFE_URI,
};

export type RenderMarkdown = (text: string) => string;

/** Builds the renderer. marked ships only as an ES module, hence the dynamic import (bundled by esbuild). */
export async function createMarkdownRenderer(purify: DOMPurify): Promise<RenderMarkdown> {
  const { Marked } = await import('marked');
  const markdown = new Marked({ gfm: true, breaks: false, async: false });
  purify.addHook('afterSanitizeAttributes', (node) => {
    // Links open outside the webview (VS Code routes them to the browser); never leak the opener.
    if (node.tagName === 'A' && node.hasAttribute('href')) node.setAttribute('rel', 'noopener noreferrer');
  });
  return (text) => purify.sanitize(markdown.parse(text) as string, SANITIZE_OPTIONS);
}
