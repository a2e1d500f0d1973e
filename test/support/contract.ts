import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Checks an HTTP answer against the OpenAPI document the same app serves: the status must be
 * declared for the operation, its required headers present and well-formed, its media type
 * declared and its body valid for that media type's schema (Ajv, in JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1). A path the document lacks must answer the gateway's 404, a known path
 * asked with another method the 405 with Allow.
 */

// ajv-formats is CommonJS with a default export; under ESM the function may sit one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, any>;
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

const DOCUMENT_ID = 'openapi';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

export class ResponseContract {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literal: number }[];

  constructor(
    private readonly document: Json,
    /** Path prefixes served outside the document on purpose (an operator UI, test fixtures). */
    private readonly undocumented: readonly string[] = [],
  ) {
    // OpenAPI adds keywords JSON Schema does not know (example, x-*): not strict about those.
    this.ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateSchema: false }));
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.templates = Object.keys(document['paths'] ?? {})
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.split('/').map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`),
        literal: template.split('/').filter((s) => !s.startsWith('{')).length,
      }))
      // A literal segment beats a parameter: /items/mine before /items/{id}.
      .sort((a, b) => b.literal - a.literal);
  }

  /** The problems of one answer; empty when it is what the document says. */
  check(method: string, url: string, answer: Answer): string[] {
    const path = new URL(url, 'http://contract.test').pathname;
    const asked = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const where = `${method.toUpperCase()} ${path} → ${answer.status}`;
    if (this.undocumented.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return [];

    const match = this.templates.find((t) => t.pattern.test(path));
    if (!match) {
      if (answer.status !== 404) return [`${where}: the path is not in the document, so only the gateway's 404 may answer it`];
      return this.problemBody(where, answer, '#/components/schemas/Problem');
    }
    const item = this.document['paths'][match.template] as Json;
    const operation = item[asked] as Json | undefined;
    if (!operation) {
      const methods = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
      const problems: string[] = [];
      if (answer.status !== 405) problems.push(`${where}: ${match.template} has no ${method.toUpperCase()} (it has ${methods.join(', ')}); expected 405`);
      const allow = (answer.headers.get('allow') ?? '').split(/,\s*/);
      for (const m of methods) if (!allow.includes(m)) problems.push(`${where}: Allow lacks ${m}`);
      return [...problems, ...this.problemBody(where, answer, '#/components/schemas/Problem')];
    }

    const name = `${operation['operationId'] ?? `${asked} ${match.template}`}`;
    const status = String(answer.status);
    const responses = (operation['responses'] ?? {}) as Json;
    const declared = responses[status] !== undefined ? status : responses[`${status[0]}XX`] !== undefined ? `${status[0]}XX` : responses['default'] !== undefined ? 'default' : undefined;
    if (!declared) return [`${where}: ${name} does not declare ${status} (it declares ${Object.keys(responses).join(', ')})`];
    const pointer = (responses[declared] as Json)['$ref'] ?? `#/paths/${escape(match.template)}/${asked}/responses/${declared}`;
    const response = this.resolve(responses[declared]) as Json;

    const problems: string[] = [];
    for (const [header, ref] of Object.entries((response['headers'] ?? {}) as Json)) {
      const spec = this.resolve(ref) as Json;
      const value = answer.headers.get(header);
      if (value === null) {
        if (spec['required']) problems.push(`${where}: ${name} ${status} requires header ${header}`);
        continue;
      }
      const schema = spec['schema'] as Json | undefined;
      if (!schema) continue;
      // Header values are text; a numeric schema speaks of the number the text spells.
      const typed = schema['type'] === 'integer' || schema['type'] === 'number' ? Number(value) : value;
      const at = (ref as Json)['$ref'] ?? `${pointer}/headers/${escape(header)}`;
      problems.push(...this.validate(`${at}/schema`, typed, `${where}: header ${header}`));
    }

    const content = response['content'] as Json | undefined;
    if (method.toLowerCase() === 'head') return problems;
    if (!content) {
      if (answer.text.length > 0) problems.push(`${where}: ${name} ${status} declares no body, yet one was sent`);
      return problems;
    }
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!content[mediaType]) return [...problems, `${where}: ${name} ${status} declares ${Object.keys(content).join(', ')}, not "${mediaType}"`];
    const body = mediaType.endsWith('json') ? parseJson(answer.text) : answer.text;
    if (body === INVALID) return [...problems, `${where}: the ${mediaType} body is not JSON`];
    const schemaPointer = `${pointer}/content/${escape(mediaType)}/schema`;
    return [...problems, ...this.validate(schemaPointer, body, `${where}: ${name} body`)];
  }

  /** Throws with every problem of the answer, for a test to fail on. */
  assert(method: string, url: string, answer: Answer): void {
    const problems = this.check(method, url, answer);
    if (problems.length > 0) throw new ContractViolation(`The answer is not what the OpenAPI document declares:\n  ${problems.join('\n  ')}\nbody: ${answer.text.slice(0, 500)}`);
  }

  private problemBody(where: string, answer: Answer, schemaRef: string): string[] {
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (mediaType !== 'application/problem+json') return [`${where}: expected application/problem+json, got "${mediaType}"`];
    const body = parseJson(answer.text);
    if (body === INVALID) return [`${where}: the problem body is not JSON`];
    return this.validate(schemaRef, body, `${where}: problem body`);
  }

  private validate(pointer: string, value: unknown, what: string): string[] {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${what}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  private resolve(node: unknown): unknown {
    let current = node as Json;
    for (let depth = 0; current && typeof current['$ref'] === 'string' && depth < 10; depth++) {
      const ref = current['$ref'] as string;
      current = ref
        .slice(2)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((at: Json, key) => at?.[key], this.document);
    }
    return current;
  }
}

const INVALID = Symbol('invalid JSON');
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

/** A JSON pointer segment, URI-encoded for Ajv's $ref resolution. */
function escape(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}
