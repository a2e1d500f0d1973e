/**
 * What the server answers between opening its port and the kernel being up (migrations, modules,
 * the bus). Orchestrators probe liveness from the first second and must not restart a process that
 * is merely starting; everything else is told to come back shortly instead of being refused.
 */
const RETRY_AFTER_SECONDS = '1';

export function startingFetch(request: Request): Response {
  const path = new URL(request.url).pathname;
  if (path === '/health/live') return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
  if (path === '/health/ready') {
    return Response.json({ status: 'starting' }, { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': RETRY_AFTER_SECONDS } });
  }
  return new Response(
    // The same problem document shape as the gateway's (problem.ts), which is not loaded yet.
    JSON.stringify({ type: 'https://cafe.example/problems/starting', title: 'Service Unavailable', status: 503, detail: 'The server is starting; retry shortly.', instance: path }),
    { status: 503, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'retry-after': RETRY_AFTER_SECONDS } },
  );
}
