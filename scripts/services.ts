/**
 * The café as three cooperating services on one machine: a gateway process hosting identity,
 * catalog, ordering, reviews and storefront, plus a payments process and a fulfillment process,
 * all from the same sources, on the BullMQ transport. `npm run start:services` and the services
 * tests both start exactly this.
 */
import { exportPKCS8, generateKeyPair } from 'jose';

export interface ServiceProcess {
  name: string;
  port: number;
  env: Record<string, string>;
}

export interface ServicesOptions {
  /** The gateway's port; payments and fulfillment take the next two unless `ports` says otherwise. */
  port: number;
  ports?: { gateway: number; payments: number; fulfillment: number };
  /** One database per process. */
  databases: { gateway: string; payments: string; fulfillment: string };
  redisUrl: string;
  /** BullMQ key prefix shared by the three processes (their queues must meet). */
  prefix: string;
  host?: string;
  extra?: Record<string, string>;
}

/** Development keys: one for access tokens (held by identity's process), one for service tokens (shared). */
export async function developmentKeys(): Promise<{ jwt: string; service: string }> {
  const pem = async () => exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
  return { jwt: await pem(), service: await pem() };
}

export function planServices(options: ServicesOptions, keys: { jwt: string; service: string }): ServiceProcess[] {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? { gateway: options.port, payments: options.port + 1, fulfillment: options.port + 2 };
  const url = (p: number) => `http://${host}:${p}`;
  const common = {
    EVENT_TRANSPORT: 'bullmq',
    REDIS_URL: options.redisUrl,
    BULLMQ_PREFIX: options.prefix,
    SERVICE_TOKEN_KEY: keys.service,
    ...options.extra,
  };
  const jwks = { JWT_JWKS_URL: `${url(ports.gateway)}/.well-known/jwks.json` };
  return [
    {
      name: 'gateway',
      port: ports.gateway,
      env: {
        ...common,
        PORT: String(ports.gateway),
        MODULES: 'identity,catalog,ordering,reviews,storefront',
        DATABASE_URL: options.databases.gateway,
        JWT_PRIVATE_KEY: keys.jwt,
        SERVICE_PAYMENTS_URLS: url(ports.payments),
        SERVICE_FULFILLMENT_URLS: url(ports.fulfillment),
      },
    },
    {
      name: 'payments',
      port: ports.payments,
      env: { ...common, ...jwks, PORT: String(ports.payments), MODULES: 'payments', DATABASE_URL: options.databases.payments },
    },
    {
      name: 'fulfillment',
      port: ports.fulfillment,
      env: { ...common, ...jwks, PORT: String(ports.fulfillment), MODULES: 'fulfillment', DATABASE_URL: options.databases.fulfillment },
    },
  ];
}
