// The graph page's HTML. Pure (no `vscode` import) so the Chromium tests serve exactly this page, under
// exactly this Content-Security-Policy. The page has no inline script or style: the bundle is loaded by
// URL with the nonce, and the CSS file by URL from `cspSource`.
import { randomBytes } from 'node:crypto';

export interface GraphPageAssets {
  /** `webview.cspSource` (or the test server's origin). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function graphPageHtml(assets: GraphPageAssets): string {
  const nonce = assets.nonce ?? newNonce();
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(assets.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(assets.styleUri)}">
<title>Codelet graph</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attr(nonce)}" src="${attr(assets.scriptUri)}"></script>
</body>
</html>
`;
}
