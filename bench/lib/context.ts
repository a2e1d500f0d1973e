import postgres from 'postgres';
import type { Row } from './report.ts';

export interface BenchContext {
  smoke: boolean;
  /** Measurement rounds; project and baseline alternate inside each round to spread noise. */
  rounds: number;
  /** Seconds of load per measurement. */
  seconds: number;
  /** Modules the composition root lists right now. */
  modules: ReadonlySet<string>;
  postgresUrl: string;
  redisUrl: string;
  log(message: string): void;
  /** A database of its own on the bench Postgres server, dropped by `drop`. */
  freshDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }>;
}

export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

export async function createDatabase(base: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cafe_bench_${process.pid}_${label}_${Math.random().toString(36).slice(2, 7)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

/** A row saying why a scenario could not run, instead of a number that would mislead. */
export function skipped(scenario: string, name: string, reason: string): Row {
  return { scenario, name, unit: '', skipped: reason };
}
