import type { ModuleNames } from '../names.ts';

/** test/<name>.test.ts: the module booted with the whole application, driven over HTTP. */
export const moduleTest = (n: ModuleNames) => `import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../../../shared/testing/index.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { ExampleAdded } from '../index.ts';

describe('${n.kebab}', () => {
  let app: TestApp;
  let user: { id: string; token: string };
  beforeAll(async () => {
    app = await startTestApp({ config: { ${n.upper}_NAME_MAX_LENGTH: 12 } });
    user = await app.signUp();
  });
  afterAll(() => app?.stop());

  it('adds an example and publishes ${n.kebab}.example-added through the outbox', async () => {
    const { result, event } = await scenario(app.kernel.bus)
      .when(() => app.http.post('/api/${n.kebab}/examples', { name: 'First' }, user.token))
      .expectEvent(ExampleAdded, { where: (p, res) => p.exampleId === res.body.id, within: 3000 });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ name: 'First', addedBy: user.id });
    expect(event.payload).toEqual({ exampleId: result.body.id, name: 'First' });
    expect(event.source).toBe('${n.kebab}');
  });

  it('refuses a name that is taken, whatever its case and spacing, with 409', async () => {
    expect((await app.http.post('/api/${n.kebab}/examples', { name: 'Big idea' }, user.token)).status).toBe(201);
    const again = await app.http.post('/api/${n.kebab}/examples', { name: '  big   IDEA ' }, user.token);
    expect(again.status).toBe(409);
    expect(again.body.type).toContain('name-taken');
  });

  it('names the field of bad input: empty, longer than the setting allows, unknown', async () => {
    const empty = await app.http.post('/api/${n.kebab}/examples', { name: ' ' }, user.token);
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(['name']);
    const long = await app.http.post('/api/${n.kebab}/examples', { name: 'x'.repeat(13) }, user.token);
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ field: 'name', message: 'Too long: at most 12 characters' })]);
    const unknown = await app.http.post('/api/${n.kebab}/examples', { name: 'Fine', colour: 'red' }, user.token);
    expect(unknown.status).toBe(400);
  });

  it('asks for a signed-in user', async () => {
    expect((await app.http.post('/api/${n.kebab}/examples', { name: 'Anonymous' })).status).toBe(401);
  });
});
`;
