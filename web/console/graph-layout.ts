import type { Graph } from './types.ts';

export interface Placed {
  name: string;
  x: number;
  y: number;
}

export const NODE = { width: 168, height: 58 };
const GAP = { x: 110, y: 34 };

/**
 * Columns by API dependency: a module stands left of every module whose API it calls (the
 * kernel refuses cycles of required APIs, so the depth is defined). Within a column, modules keep
 * the definitions' order.
 */
export function layout(graph: Graph): { nodes: Placed[]; width: number; height: number } {
  const requires = new Map(graph.modules.map((m) => [m.name, m.requires]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string> = new Set()): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0;
    seen.add(name);
    const d = Math.max(-1, ...(requires.get(name) ?? []).map((r) => depthOf(r, seen))) + 1;
    depth.set(name, d);
    return d;
  };
  for (const m of graph.modules) depthOf(m.name);
  const deepest = Math.max(0, ...depth.values());
  const columns: string[][] = Array.from({ length: deepest + 1 }, () => []);
  for (const m of graph.modules) columns[deepest - depth.get(m.name)!]!.push(m.name);
  const tallest = Math.max(...columns.map((c) => c.length));
  const height = tallest * NODE.height + (tallest - 1) * GAP.y + 40;
  const nodes = columns.flatMap((names, col) => {
    const offset = (height - (names.length * NODE.height + (names.length - 1) * GAP.y)) / 2;
    return names.map((name, row) => ({ name, x: 20 + col * (NODE.width + GAP.x), y: offset + row * (NODE.height + GAP.y) }));
  });
  return { nodes, width: 40 + columns.length * NODE.width + (columns.length - 1) * GAP.x, height };
}

/** A line from one box's edge towards another's centre, ending at the other's edge. */
export function connector(a: Placed, b: Placed, bend = 0): string {
  const ax = a.x + NODE.width / 2;
  const ay = a.y + NODE.height / 2;
  const bx = b.x + NODE.width / 2;
  const by = b.y + NODE.height / 2;
  const clip = (fx: number, fy: number, tx: number, ty: number) => {
    const dx = tx - fx;
    const dy = ty - fy;
    const t = Math.min(NODE.width / 2 / Math.abs(dx || 1e-9), NODE.height / 2 / Math.abs(dy || 1e-9));
    return [fx + dx * t, fy + dy * t] as const;
  };
  const [sx, sy] = clip(ax, ay, bx, by);
  const [ex, ey] = clip(bx, by, ax, ay);
  if (bend === 0) return `M${sx},${sy} L${ex},${ey}`;
  const mx = (sx + ex) / 2 - (ey - sy) * bend;
  const my = (sy + ey) / 2 + (ex - sx) * bend;
  return `M${sx},${sy} Q${mx},${my} ${ex},${ey}`;
}
