import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.ts';
import { validationProblem } from './problem.ts';

/** A module router whose request validation failures become 400 problems naming each field. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result.error, result.target === 'json' ? 'body' : result.target);
      return undefined;
    },
  });
}
