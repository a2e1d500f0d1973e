import { describe, expect, it } from 'vitest';
import { partOf, withParts } from '../../src/shared/http/document-parts.ts';

const remote = {
  paths: {
    '/api/payments/wallet': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Wallet' } } } }, 500: { $ref: '#/components/responses/Oops' } } } },
    '/api/paymentsextra': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Stranger' } } } } } } },
    '/health/live': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Alive' } } } } } } },
  },
  components: {
    schemas: {
      Wallet: { type: 'object', properties: { history: { type: 'array', items: { $ref: '#/components/schemas/Entry' } }, problem: { $ref: '#/components/schemas/Problem' } } },
      Entry: { type: 'object', properties: { type: { type: 'string' } } },
      Problem: { type: 'object', title: 'the remote one' },
      Stranger: { type: 'string' },
      Alive: { type: 'object' },
    },
    responses: { Oops: { description: 'oops', headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } } } },
    headers: { 'X-Request-Id': { schema: { type: 'string' } } },
  },
};

describe("a remote module's part of the OpenAPI document", () => {
  it('takes the operations under the mount path and every component they reach, transitively', () => {
    const part = partOf('payments', '/api/payments', remote);
    expect(Object.keys(part.paths)).toEqual(['/api/payments/wallet']);
    expect(Object.keys(part.components['schemas']!).sort()).toEqual(['Entry', 'Problem', 'Wallet']);
    expect(Object.keys(part.components['responses']!)).toEqual(['Oops']);
    expect(Object.keys(part.components['headers']!)).toEqual(['X-Request-Id']);
  });

  it("adds the part's paths and components to a document, keeping what the document already has", () => {
    const local = { openapi: '3.1.0', paths: { '/api/orders': { get: {} } }, components: { schemas: { Problem: { type: 'object', title: 'the local one' } } } };
    const merged = withParts(local, [partOf('payments', '/api/payments', remote)]) as typeof local & { components: { schemas: Record<string, { title?: string }> } };
    expect(Object.keys(merged.paths).sort()).toEqual(['/api/orders', '/api/payments/wallet']);
    expect(merged.components.schemas['Problem']!.title).toBe('the local one');
    expect(Object.keys(merged.components.schemas).sort()).toEqual(['Entry', 'Problem', 'Wallet']);
    expect(Object.keys(local.paths)).toEqual(['/api/orders']);
  });
});
