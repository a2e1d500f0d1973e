import type { ContractDocument, JsonSchema } from './describe.ts';

/**
 * Whether a provider still serves what a consumer was built against. The consumer's copy of the
 * contract says what it sends (method inputs) and what it reads (outputs, event payloads); the
 * provider's must accept every input the consumer's allows and promise at least what it reads.
 * Each problem names the method or event and the field.
 */
export function compatibility(provider: ContractDocument, consumer: ContractDocument): string[] {
  const problems: string[] = [];
  for (const [name, used] of Object.entries(consumer.api)) {
    const served = provider.api[name];
    if (!served) {
      problems.push(`${consumer.module}.${name}: the provider no longer has this method`);
      continue;
    }
    problems.push(...accepts(served.input, used.input, `${consumer.module}.${name} input`));
    problems.push(...accepts(used.output, served.output, `${consumer.module}.${name} output`));
    if (used.idempotent && !served.idempotent) problems.push(`${consumer.module}.${name}: the consumer retries it as idempotent, the provider no longer says it is`);
  }
  for (const [type, read] of Object.entries(consumer.events)) {
    const published = provider.events[type];
    if (!published) problems.push(`${type}: the provider no longer publishes this event`);
    else if (published.version !== read.version) problems.push(`${type}: the provider publishes version ${published.version}, the consumer reads version ${read.version}`);
    else problems.push(...accepts(read.payload, published.payload, `${type} payload`));
  }
  return problems;
}

const typesOf = (s: JsonSchema): Set<string> | undefined => {
  if (s.const !== undefined) return new Set([s.const === null ? 'null' : typeof s.const === 'number' ? 'number' : typeof s.const]);
  if (s.type === undefined) return undefined;
  return new Set(Array.isArray(s.type) ? s.type : [s.type]);
};

const valuesOf = (s: JsonSchema): unknown[] | undefined => (s.const !== undefined ? [s.const] : s.enum);

/**
 * Problems that keep `wider` from accepting every value `narrower` allows (an empty list when it
 * does). Covers what the contracts use: types, objects, arrays, enums, nullable unions, bounds.
 */
export function accepts(wider: JsonSchema, narrower: JsonSchema, at: string): string[] {
  const alternatives = narrower.anyOf ?? narrower.oneOf;
  if (alternatives) return alternatives.flatMap((branch) => accepts(wider, branch, at));
  const options = wider.anyOf ?? wider.oneOf;
  if (options) {
    const attempts = options.map((branch) => accepts(branch, narrower, at));
    return attempts.some((p) => p.length === 0) ? [] : (attempts.sort((a, b) => a.length - b.length)[0] ?? []);
  }
  const problems: string[] = [];
  const w = typesOf(wider);
  const n = typesOf(narrower);
  if (w) {
    const allowed = (t: string) => w.has(t) || (t === 'integer' && w.has('number'));
    if (!n) problems.push(`${at}: must be ${[...w].join(' or ')} on one side, unconstrained on the other`);
    else for (const t of n) if (!allowed(t)) problems.push(`${at}: ${t} is sent or promised, ${[...w].join(' or ')} is expected`);
  }
  const wv = valuesOf(wider);
  if (wv) {
    const nv = valuesOf(narrower);
    if (!nv) problems.push(`${at}: only ${wv.map((v) => JSON.stringify(v)).join(', ')} expected, any value possible`);
    else for (const v of nv) if (!wv.some((x) => JSON.stringify(x) === JSON.stringify(v))) problems.push(`${at}: ${JSON.stringify(v)} is not expected`);
  }
  problems.push(...bounds(wider, narrower, at));
  if (wider.properties || narrower.properties) problems.push(...objectAccepts(wider, narrower, at));
  if (wider.items && narrower.items) problems.push(...accepts(wider.items, narrower.items, `${at}[]`));
  return problems;
}

function objectAccepts(wider: JsonSchema, narrower: JsonSchema, at: string): string[] {
  const problems: string[] = [];
  const wp = wider.properties ?? {};
  const np = narrower.properties ?? {};
  const nRequired = new Set(narrower.required ?? []);
  for (const key of wider.required ?? []) if (!nRequired.has(key)) problems.push(`${at}.${key}: required by one side, ${key in np ? 'optional' : 'absent'} on the other`);
  for (const [key, schema] of Object.entries(np)) {
    const expected = wp[key];
    if (expected) problems.push(...accepts(expected, schema, `${at}.${key}`));
    else if (wider.additionalProperties === false) problems.push(`${at}.${key}: sent or promised by one side, refused as unknown by the other`);
  }
  return problems;
}

function bounds(wider: JsonSchema, narrower: JsonSchema, at: string): string[] {
  const problems: string[] = [];
  for (const key of ['maxLength', 'maximum', 'exclusiveMaximum'] as const) {
    const limit = wider[key];
    const value = narrower[key];
    if (limit !== undefined && (value === undefined || value > limit)) problems.push(`${at}: ${key} ${limit} expected, ${value ?? 'none'} allowed`);
  }
  for (const key of ['minLength', 'minimum', 'exclusiveMinimum'] as const) {
    const limit = wider[key];
    const value = narrower[key];
    if (limit !== undefined && (value === undefined || value < limit)) problems.push(`${at}: ${key} ${limit} expected, ${value ?? 'none'} allowed`);
  }
  return problems;
}
