import type { Context } from 'hono';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_REQUEST_ID, ATTR_URL_PATH } from './attributes.ts';
import { inSpan, SpanKind, tracingOn } from './tracer.ts';
import { SpanStatusCode } from '@opentelemetry/api';

/**
 * The SERVER span of one incoming request, a child of the caller's `traceparent` when it sent
 * one. Its name is the route template (`POST /api/orders/:id/cancel`), known only once routing
 * ran, so the span starts under the bare method and is renamed at the end; a path no route
 * matched stays `GET unmatched`, so names stay few whatever clients send.
 */
export function serverSpan(c: Context, requestId: string, work: () => Promise<void>): Promise<void> {
  if (!tracingOn()) return work();
  const method = c.req.method;
  return inSpan(
    method,
    {
      kind: SpanKind.SERVER,
      parent: c.req.header('traceparent') ?? null,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: c.req.path, [ATTR_REQUEST_ID]: requestId },
    },
    async (span) => {
      await work();
      const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
      const status = c.res.status;
      span.updateName(`${method} ${route}`);
      span.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: status });
      // Server spans are errors for 5xx only: a 4xx is the client's mistake, answered correctly.
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    },
  );
}
