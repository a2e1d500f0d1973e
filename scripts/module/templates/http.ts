import type { ModuleNames } from '../names.ts';

/** http/routes.ts: the adapter that turns requests into use cases and refusals into problems. */
export const routes = (n: ModuleNames) => `import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { conflict, json, jsonBody, operation, principalOf, Problem, safeText, type AppEnv } from '../../../shared/http/index.ts';
import type { AddRefusal, Examples } from '../application/examples.ts';
import { NAME_LIMIT } from '../domain/example.ts';
import { ExampleDto } from '../index.ts';

// A copy built with the OpenAPI-aware z: contracts in index.ts are plain zod.
const Example = z.object(ExampleDto.shape).openapi('${n.pascal}Example');
const NewExample = z.strictObject({ name: safeText(z.string().trim().min(1).max(NAME_LIMIT)) }).openapi('New${n.pascal}Example');

export function ${n.camel}Routes(router: OpenAPIHono<AppEnv>, examples: Examples): OpenAPIHono<AppEnv> {
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/examples',
        operationId: 'add${n.pascal}Example',
        tags: ['${n.kebab}'],
        summary: 'Add an example',
        description: 'Publishes \`${n.kebab}.example-added\`. Names compare without case and runs of spaces.',
        request: { body: jsonBody(NewExample) },
        responses: { 201: json(Example, 'Added') },
      },
      {
        access: 'user',
        errors: {
          400: 'Invalid input, or a name longer than \`${n.upper}_NAME_MAX_LENGTH\` allows; \`errors\` names each bad field',
          409: 'An example of that name exists (\`name-taken\`)',
        },
      },
    ),
    async (c) => {
      const added = await examples.add(principalOf(c).id, c.req.valid('json').name);
      if (!added.ok) throw refusalProblem(added.refusal);
      return c.json(added.example, 201);
    },
  );
  return router;
}

function refusalProblem(refusal: AddRefusal): Problem {
  switch (refusal.reason) {
    case 'name-too-long':
      return new Problem(400, 'validation', 'Invalid body: name', {
        errors: [{ field: 'name', message: \`Too long: at most \${refusal.maxLength} characters\`, location: 'body' }],
      });
    case 'name-taken':
      return conflict('An example of that name exists already', 'name-taken');
  }
}
`;
