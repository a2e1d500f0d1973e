/**
 * Builds the browser pages (the café page at `/`, the console at `/console`) into dist/web:
 * one bundled, minified script per page, its HTML, the shared stylesheet and the café page's
 * own. Served by the gateway from memory; nothing is fetched from a CDN at run time.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web`;
const pages = ['cafe', 'console'] as const;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: Object.fromEntries(pages.map((p) => [p, `${root}web/${p}/main.tsx`])),
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: `${root}web/tsconfig.json`,
  logLevel: 'warning',
});
for (const p of pages) copyFileSync(`${root}web/${p}/index.html`, `${out}/${p}.html`);
copyFileSync(`${root}web/shared/page.css`, `${out}/page.css`);
copyFileSync(`${root}web/cafe/cafe.css`, `${out}/cafe.css`);
