/**
 * The API reference page: Scalar's standalone browser bundle, served from this origin, pointed at
 * `/openapi.json`. Written here rather than taken from `@scalar/hono-api-reference`, whose releases
 * that support a CSP nonce require Node 22 (ADR 19); the page is only these few lines.
 */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function docsPage(options: { title: string; specUrl: string; scriptUrl: string; nonce: string | undefined }): string {
  const nonce = options.nonce ? ` nonce="${escapeHtml(options.nonce)}"` : '';
  // JSON inside a script element: `<` escaped so no value can close the element.
  const configuration = JSON.stringify({ url: options.specUrl }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html>
  <head>
    <title>${escapeHtml(options.title)}</title>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <div id="app"></div>
    <script src="${escapeHtml(options.scriptUrl)}"${nonce}></script>
    <script${nonce}>Scalar.createApiReference('#app', ${configuration})</script>
  </body>
</html>
`;
}
