import { modules } from '../../src/modules.ts';
import type { PaymentsApi } from '../../src/modules/payments/index.ts';
import type { ApiImplementation } from '../../src/shared/api.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';

/**
 * payments as deployed, except that a charge can be held at the door: the test decides when the
 * charge reaches the wallet, so it can act on the order while the charge is in flight.
 */
export function gatedPayments() {
  const held = new Map<string, (() => void)[]>();
  const waiting = new Set<string>();
  const answers = new Map<string, unknown[]>();
  let holding = false;
  const real = modules.find((m) => m.name === 'payments')! as ModuleDefinition<PaymentsApi>;
  const definition: ModuleDefinition<PaymentsApi> = {
    ...real,
    async setup(ctx) {
      const instance = await real.setup(ctx);
      const api = instance.api as ApiImplementation<PaymentsApi>;
      return {
        ...instance,
        api: {
          ...api,
          charge: async (input) => {
            if (holding) {
              waiting.add(input.orderId);
              await new Promise<void>((release) => held.set(input.orderId, [...(held.get(input.orderId) ?? []), release]));
            }
            const answer = await api.charge(input);
            answers.set(input.orderId, [...(answers.get(input.orderId) ?? []), answer]);
            return answer;
          },
        },
      };
    },
  };
  return {
    definition: definition as unknown as ModuleDefinition,
    hold: () => (holding = true),
    isWaiting: (orderId: string) => waiting.has(orderId),
    /** What payments answered each charge of the order that went through the gate, in order. */
    answersFor: (orderId: string) => [...(answers.get(orderId) ?? [])],
    /** Lets every held charge of the order through, and stops holding new ones. */
    release(orderId: string) {
      holding = false;
      for (const release of held.get(orderId) ?? []) release();
      held.delete(orderId);
    },
    /** Lets everything through: a held charge would keep the app from stopping. */
    releaseAll() {
      holding = false;
      for (const id of [...held.keys()]) this.release(id);
    },
  };
}

/** The café's modules with payments behind the gate. */
export function withGatedPayments(gate: ReturnType<typeof gatedPayments>): readonly ModuleDefinition[] {
  return modules.map((m) => (m.name === 'payments' ? gate.definition : m));
}
