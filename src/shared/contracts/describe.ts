import { z } from 'zod';
import type { ApiContract } from '../api.ts';
import type { EventContract } from '../bus/contract.ts';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  [key: string]: unknown;
};

/**
 * A module's public contract as plain JSON: each API method's input and output and each event's
 * payload as JSON Schema (generated from the zod schemas the code runs with), events with their
 * versions. Both sides of an extracted module print it; `compatibility` compares two of them.
 */
export interface ContractDocument {
  module: string;
  api: Record<string, { input: JsonSchema; output: JsonSchema; idempotent: boolean }>;
  events: Record<string, { version: number; payload: JsonSchema }>;
}

// The caller sends what the input accepts before defaults apply, and reads what the output gives after.
const schemaOf = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;

export function describeContract(module: string, api: ApiContract | undefined, events: readonly EventContract[]): ContractDocument {
  const doc: ContractDocument = { module, api: {}, events: {} };
  for (const [name, method] of Object.entries(api?.methods ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    doc.api[name] = { input: schemaOf(method.input, 'input'), output: schemaOf(method.output, 'output'), idempotent: method.idempotent === true };
  }
  for (const e of [...events].sort((a, b) => a.type.localeCompare(b.type))) doc.events[e.type] = { version: e.version, payload: schemaOf(e.payload, 'output') };
  return doc;
}
