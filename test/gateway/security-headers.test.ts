import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { expect, it } from 'vitest';
import { API_SECURITY_HEADERS, API_SECURITY_OPTIONS } from '../../src/shared/http/guards.ts';

it("sets exactly what Hono's secure headers middleware would, with the API's policy", async () => {
  const probe = new Hono();
  probe.use(secureHeaders(API_SECURITY_OPTIONS));
  probe.get('/', (c) => c.json({}));
  const expected: string[][] = [];
  (await probe.request('/')).headers.forEach((value, name) => {
    if (name !== 'content-type') expected.push([name, value]);
  });
  const ours = API_SECURITY_HEADERS.map(([name, value]) => [name.toLowerCase(), value]);
  expect(ours.sort()).toEqual(expected.sort());
});
