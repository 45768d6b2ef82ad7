import { randomBytes } from 'node:crypto';

// Pure: the HTML shell both webviews (chat, dashboard) load. Strict CSP: nothing loads unless
// named here; the bundle's one script runs by nonce; no inline scripts, handlers or styles.

/** What the page needs from the webview: its CSP source and the URIs of the built bundle. */
export interface WebviewAssets {
  /** webview.cspSource */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

export interface WebviewPage extends WebviewAssets {
  title: string;
  /** Image sources beyond the extension's own files. */
  extraImageSources?: readonly string[];
  /** An empty `<main id="app">` for the script to fill (the chat builds its own root). */
  mountPoint?: boolean;
  /** Where the page shows (`data-outlet` on the body): the chat is laid out for an editor tab or the side bar. */
  outlet?: 'panel' | 'view';
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string, extraImageSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Chart.js sizes canvases through the CSSOM, which style-src does not govern: no 'unsafe-inline' needed.
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${[cspSource, ...extraImageSources].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewHtml(page: WebviewPage, nonce: string = createNonce()): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(page.cspSource, nonce, page.extraImageSources))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(page.styleUri)}">
<title>${escapeText(page.title)}</title>
</head>
<body${page.outlet ? ` data-outlet="${page.outlet}"` : ''}>
${page.mountPoint ? '<main id="app"></main>\n' : ''}<script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(page.scriptUri)}"></script>
</body>
</html>`;
}

export function chatHtml(assets: WebviewAssets & { outlet?: 'panel' | 'view' }, nonce?: string): string {
  return webviewHtml({ ...assets, title: 'Tally Chat' }, nonce);
}

/** The dashboard: a mount point for its script; `data:` images as before (chart exports). */
export function dashboardHtml(page: WebviewAssets & { title: string }, nonce?: string): string {
  return webviewHtml({ ...page, extraImageSources: ['data:'], mountPoint: true }, nonce);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
