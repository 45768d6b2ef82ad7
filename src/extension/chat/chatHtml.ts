import { randomBytes } from 'node:crypto';

// Pure: the chat webview's page. Strict CSP: nothing loads unless named here; the one script
// runs by nonce; no inline handlers or styles; images only from the extension (none today).

export interface WebviewAssets {
  /** webview.cspSource */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function chatHtml(assets: WebviewAssets, nonce: string = createNonce()): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(assets.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${assets.styleUri}">
<title>Tally Chat</title>
</head>
<body>
<script nonce="${nonce}" src="${assets.scriptUri}"></script>
</body>
</html>`;
}
