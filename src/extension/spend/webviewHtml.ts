import { randomBytes } from 'node:crypto';

/** What the page needs from the webview: its CSP source and the URIs of the built bundle. */
export interface WebviewPage {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The dashboard's HTML shell: strict CSP (nothing by default, the bundle's script only by
 * nonce, styles only from the extension; Chart.js sizes canvases through the CSSOM, which
 * style-src does not govern, so no 'unsafe-inline'), and one mount point the script fills.
 */
export function dashboardHtml(page: WebviewPage, nonce: string): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${page.cspSource}`,
    `img-src ${page.cspSource} data:`,
    `font-src ${page.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(page.styleUri)}">
<title>${escapeText(page.title)}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${escapeAttribute(page.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
