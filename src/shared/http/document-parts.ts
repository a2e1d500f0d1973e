/**
 * A remote module's share of the OpenAPI document: the operations under its mount path, taken
 * from the document its own process serves, with every component they refer to. The gateway
 * merges these into its own document, so it describes every public route without having the
 * remote module's route code.
 */
export interface DocumentPart {
  module: string;
  paths: Record<string, unknown>;
  components: Record<string, Record<string, unknown>>;
}

type Json = Record<string, unknown>;
const COMPONENT_REF = /^#\/components\/([^/]+)\/([^/]+)$/;

/** The operations of `document` under `mountPath` (`/api/payments`, `/api/payments/...`) and the components they need. */
export function partOf(module: string, mountPath: string, document: Json): DocumentPart {
  const allPaths = (document['paths'] ?? {}) as Json;
  const all = (document['components'] ?? {}) as Record<string, Json>;
  const paths = Object.fromEntries(Object.entries(allPaths).filter(([p]) => p === mountPath || p.startsWith(`${mountPath}/`)));
  const components: DocumentPart['components'] = {};
  const pending: unknown[] = [paths];
  while (pending.length > 0) {
    for (const ref of refsIn(pending.pop())) {
      const [, kind, encoded] = COMPONENT_REF.exec(ref) ?? [];
      if (!kind || !encoded) continue;
      const name = decodePointer(encoded);
      if (components[kind]?.[name] !== undefined) continue;
      const component = all[kind]?.[name];
      if (component === undefined) continue;
      (components[kind] ??= {})[name] = component;
      pending.push(component);
    }
  }
  return { module, paths, components };
}

/**
 * `document` with the parts' paths and components added. What the document already has wins:
 * the kernel's shared components (Problem, the headers) are the same in every process.
 */
export function withParts(document: Json, parts: readonly DocumentPart[]): Json {
  if (parts.length === 0) return document;
  const paths = { ...((document['paths'] ?? {}) as Json) };
  const components: Record<string, Json> = Object.fromEntries(Object.entries((document['components'] ?? {}) as Record<string, Json>).map(([k, v]) => [k, { ...v }]));
  for (const part of parts) {
    for (const [path, item] of Object.entries(part.paths)) paths[path] ??= item;
    for (const [kind, named] of Object.entries(part.components)) {
      const into = (components[kind] ??= {});
      for (const [name, component] of Object.entries(named)) into[name] ??= component;
    }
  }
  return { ...document, paths, components };
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsIn(value, out);
    }
  }
  return out;
}

const decodePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
