import { startTestApp } from '../support/test-app.ts';
import { describeCafeContract } from './cafe-tour.ts';

/** The public contract against the monolith in this process; test/services runs the same against the café as services. */
describeCafeContract('the public HTTP contract of the monolith', async () => {
  const app = await startTestApp();
  return { http: app.http, stop: () => app.stop() };
});
