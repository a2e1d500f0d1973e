import { createScratchDatabase } from '../../src/shared/testing/database.ts';
import type { RefBuild } from './against.ts';
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
  /** `--against <ref>`: an earlier commit's build, measured in the same rounds (read, write). */
  against?: RefBuild;
  log(message: string): void;
  /** A database of its own on the bench Postgres server, dropped by `drop`. */
  freshDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }>;
}

export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** The bench's databases are the tests' kind: their own name, module roles dropped with them. */
export function createDatabase(base: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  return createScratchDatabase(base, `cafe_bench_${label}`);
}

/** A row saying why a scenario could not run, instead of a number that would mislead. */
export function skipped(scenario: string, name: string, reason: string): Row {
  return { scenario, name, unit: '', skipped: reason };
}
