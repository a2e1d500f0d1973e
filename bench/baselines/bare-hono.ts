/** Baseline: a bare Hono app on @hono/node-server (the project's adapter) returning the same bytes. */
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const body = readFileSync(process.env['BODY_FILE']!);
const contentType = process.env['CONTENT_TYPE'] ?? 'application/json';
const app = new Hono();
app.get('*', (c) => c.body(body, 200, { 'content-type': contentType }));
serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: process.env['HOST'] ?? '127.0.0.1' });
process.on('SIGTERM', () => process.exit(0));
