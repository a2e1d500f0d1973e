import type { MachineInfo } from './machine.ts';

/** One line of the results table. Values are medians over rounds; ratios divide by the baseline's median. */
export interface Row {
  scenario: string;
  name: string;
  unit: string;
  median?: number;
  /** Tail latency (ms) where the measurement has one: the median over rounds of each round's p99. */
  p99?: number;
  rounds?: number[];
  /** CPU time of the serving process per answered request (µs), median over rounds. */
  cpuUsPerRequest?: number;
  baseline?: string;
  baselineMedian?: number;
  ratio?: number;
  /** The goal this row is judged against, for the reader; the script never fails on it. */
  target?: string;
  note?: string;
  skipped?: string;
}

export interface Results {
  machine: MachineInfo;
  smoke: boolean;
  settings: Record<string, unknown>;
  rows: Row[];
}

const fmt = (v: number | undefined, digits = 0): string =>
  v === undefined || Number.isNaN(v) ? '' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 10 ? Math.max(digits, 1) : 2);

export function formatTable(rows: readonly Row[]): string {
  const head = ['scenario', 'measurement', 'median', 'unit', 'p99 ms', 'cpu µs/req', 'vs baseline', 'ratio', 'target'];
  const body = rows.map((r) =>
    r.skipped
      ? [r.scenario, r.name, 'skipped', '', '', '', '', '', r.skipped]
      : [r.scenario, r.name, fmt(r.median), r.unit, fmt(r.p99), fmt(r.cpuUsPerRequest), r.baseline ? `${r.baseline} ${fmt(r.baselineMedian)}` : '', r.ratio === undefined ? '' : r.ratio.toFixed(2), r.target ?? ''],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Fills baselineMedian and ratio of rows that name a baseline row (same scenario). */
export function withRatios(rows: Row[]): Row[] {
  for (const r of rows) {
    if (!r.baseline || r.median === undefined) continue;
    const b = rows.find((x) => x.scenario === r.scenario && x.name === r.baseline);
    if (b?.median) {
      r.baselineMedian = b.median;
      r.ratio = r.median / b.median;
    }
  }
  return rows;
}
