import type { ModuleNames } from '../names.ts';

/** application/examples.ts: the use cases. */
export const application = (n: ModuleNames) => `import { uuidv7 } from 'uuidv7';
import type { UnitOfWork } from '../../../shared/index.ts';
import type { ExampleStore } from '../db/example-store.ts';
import { checkName, nameKey, type Example, type NameRefusal } from '../domain/example.ts';
import { ExampleAdded } from '../index.ts';

/** Why an example was not added: data for the caller to map, never an HTTP answer. */
export type AddRefusal = NameRefusal | { reason: 'name-taken' };
export type AddOutcome = { ok: true; example: Example } | { ok: false; refusal: AddRefusal };

/** ${n.kebab}'s use cases. */
export class Examples {
  constructor(
    private readonly store: ExampleStore,
    private readonly unitOfWork: UnitOfWork,
    private readonly nameMaxLength: number,
  ) {}

  /** The example and its event commit together or not at all: the event goes through the outbox. */
  async add(addedBy: string, name: string): Promise<AddOutcome> {
    const tooLong = checkName(name, this.nameMaxLength);
    if (tooLong) return { ok: false, refusal: tooLong };
    return this.unitOfWork(async (tx, publish): Promise<AddOutcome> => {
      const example = await this.store.with(tx).insert({ id: uuidv7(), name, key: nameKey(name), addedBy });
      if (!example) return { ok: false, refusal: { reason: 'name-taken' } };
      await publish(ExampleAdded, { exampleId: example.id, name: example.name });
      return { ok: true, example };
    });
  }
}
`;
