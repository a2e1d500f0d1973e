/** PromQL words that are not metric names: functions, aggregations, modifiers. */
const NOT_METRICS = new Set([
  'sum', 'max', 'min', 'avg', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'by', 'without', 'and', 'or', 'unless', 'on', 'ignoring',
  'group_left', 'group_right', 'offset', 'bool', 'abs', 'clamp_min', 'clamp_max', 'time', 'vector', 'absent', 'topk', 'bottomk', 'delta', 'deriv',
]);

/**
 * The metric names an expression selects. Not a PromQL parser: label matchers, grouping lists,
 * ranges and strings are blanked out first, and what is left that looks like a name and is not
 * called like a function is a metric. Enough for the rules and panels this repository keeps.
 */
export function metricNamesIn(expr: string): string[] {
  const blanked = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const m of blanked.matchAll(/[a-zA-Z_:][\w:]*(?=\s*(\(?))/g)) {
    if (m[1] === '(' || NOT_METRICS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** Parentheses and braces balance: the cheapest check that an expression was not cut off. */
export function balanced(expr: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('({['.includes(ch)) open.push(ch);
    else if (ch in pairs && open.pop() !== pairs[ch]) return false;
  }
  return open.length === 0;
}
