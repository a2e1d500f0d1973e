import '@hono/zod-openapi';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { compatibility, describeContract, type ContractDocument } from '../../src/shared/contracts/index.ts';

const contractOf = (name: string) => {
  const m = modules.find((d) => d.name === name)!;
  return describeContract(m.name, m.provides, m.publishes);
};

/**
 * A module that left keeps its public entry here; `contracts/<module>.provider.json` is what its
 * service promised at extraction (refresh it from the service with `npm run contract`). What this
 * monolith's modules send and read must still fit it.
 */
const extracted = modules.filter((m) => m.hostedElsewhere);
describe.runIf(extracted.length > 0)('extracted modules still serve what this monolith was built against', () => {
  it.each(extracted.map((m) => m.name))('%s', (name) => {
    const file = new URL(`../../contracts/${name}.provider.json`, import.meta.url);
    expect(existsSync(file), `contracts/${name}.provider.json`).toBe(true);
    const provider = JSON.parse(readFileSync(file, 'utf8')) as ContractDocument;
    expect(compatibility(provider, contractOf(name))).toEqual([]);
  });
});

describe('the contract check', () => {
  const payments = contractOf('payments');
  const mutated = (change: (c: ContractDocument) => void) => {
    const copy = structuredClone(payments);
    change(copy);
    return copy;
  };

  it('finds an unchanged contract compatible with itself', () => {
    expect(compatibility(payments, payments)).toEqual([]);
  });

  it('names the output field a provider stopped promising', () => {
    const provider = mutated((c) => {
      const out = c.api['balance']!.output;
      out.required = [];
      delete out.properties!['balanceCents'];
    });
    expect(compatibility(provider, payments)).toEqual([expect.stringContaining('payments.balance output.balanceCents')]);
  });

  it('names the input field a provider started requiring', () => {
    const provider = mutated((c) => {
      const input = c.api['charge']!.input;
      input.properties!['currency'] = { type: 'string' };
      input.required = [...(input.required ?? []), 'currency'];
    });
    expect(compatibility(provider, payments)).toEqual([expect.stringContaining('payments.charge input.currency')]);
  });

  it('accepts a provider that only adds an optional input', () => {
    const provider = mutated((c) => {
      c.api['charge']!.input.properties!['note'] = { type: 'string' };
    });
    expect(compatibility(provider, payments)).toEqual([]);
  });

  it('names an event whose version moved and a method that disappeared', () => {
    const [event] = Object.keys(payments.events);
    const provider = mutated((c) => {
      c.events[event!]!.version += 1;
      delete c.api['refund'];
    });
    expect(compatibility(provider, payments)).toEqual(
      expect.arrayContaining([expect.stringContaining('payments.refund: the provider no longer has this method'), expect.stringContaining(`${event}: the provider publishes version`)]),
    );
  });
});
