import { describe, expect, it } from 'vitest';
import { startingFetch } from '../../src/shared/http/starting.ts';

// What the port answers between opening and the kernel being up (src/main.ts).
describe('while the server is starting', () => {
  const ask = (path: string, method = 'GET') => startingFetch(new Request(`http://127.0.0.1${path}`, { method }));

  it('is live', async () => {
    const res = ask('/health/live');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is not ready yet, and says so', async () => {
    const res = ask('/health/ready');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ status: 'starting' });
  });

  it('asks every other request to come back, as a problem document', async () => {
    for (const [path, method] of [['/api/catalog/items', 'GET'], ['/api/orders', 'POST'], ['/', 'GET']] as const) {
      const res = ask(path, method);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ status: 503, instance: path, type: 'https://cafe.example/problems/starting' });
    }
  });
});
