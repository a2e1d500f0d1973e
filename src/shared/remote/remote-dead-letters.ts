import { z } from 'zod';
import type { DeadLetter } from '../bus/dead-letters.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { currentContext } from '../context.ts';
import { ModuleUnavailableError } from '../errors.ts';
import type { DeadLetterDesk } from '../http/admin-routes.ts';
import type { Logger } from '../logger.ts';
import { requestAnInstance } from './instance-request.ts';
import { INTERNAL_PREFIX, type RemoteModule } from './remote-module.ts';
import type { ServiceTokens } from './service-tokens.ts';

const Letters = z.array(
  z.object({
    eventId: z.string(),
    subscription: z.string(),
    module: z.string(),
    type: z.string(),
    attempts: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
    failedAt: z.string(),
    envelope: z.record(z.string(), z.unknown()),
  }),
);

/**
 * Every dead letter of the deployment, from whichever process the operator asks: this process's
 * own, plus those of each remote module that subscribes to events, asked of one of its instances
 * on the operator's behalf. A replay goes to the process hosting the subscription's module.
 */
export class DeadLettersEverywhere implements DeadLetterDesk {
  /** Subscription name → the remote module that declares it. */
  private readonly owners = new Map<string, RemoteModule>();

  constructor(
    private readonly bus: EventBus,
    remotes: readonly { module: RemoteModule; subscriptions: readonly string[] }[],
    private readonly tokens: ServiceTokens,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    for (const r of remotes) for (const s of r.subscriptions) this.owners.set(s, r.module);
  }

  async list(): Promise<{ letters: DeadLetter[]; unreachable: string[] }> {
    const unreachable: string[] = [];
    const subscribers = [...new Set(this.owners.values())];
    const remote = await Promise.all(
      subscribers.map(async (r) => {
        try {
          const res = await this.ask(r, 'GET', `${INTERNAL_PREFIX}/${r.module}/dead-letters`);
          if (res.status !== 200) throw new Error(`answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
          return Letters.parse(await res.json()) as unknown as DeadLetter[];
        } catch (err) {
          this.logger.warn({ err, module: r.module }, `could not list the dead letters of ${r.module}`);
          unreachable.push(r.module);
          return [];
        }
      }),
    );
    const letters = [...(await this.bus.deadLetters()), ...remote.flat()].sort((a, b) => a.failedAt.localeCompare(b.failedAt));
    return { letters, unreachable };
  }

  async replay(eventId: string, subscription: string): Promise<boolean> {
    const owner = this.owners.get(subscription);
    if (!owner) return this.bus.replay(eventId, subscription);
    let res: Response;
    try {
      res = await this.ask(owner, 'POST', `${INTERNAL_PREFIX}/${owner.module}/dead-letters/${encodeURIComponent(eventId)}/${encodeURIComponent(subscription)}/replay`);
    } catch (err) {
      throw new ModuleUnavailableError(owner.module, 'replayDeadLetter', err);
    }
    const text = await res.text();
    if (res.status === 202) return true;
    if (res.status === 404) return false;
    this.logger.error({ module: owner.module, status: res.status, body: text.slice(0, 500) }, 'remote module refused to replay a dead letter');
    throw new ModuleUnavailableError(owner.module, 'replayDeadLetter', new Error(`answered ${res.status}`));
  }

  private async ask(remote: RemoteModule, method: string, path: string): Promise<Response> {
    const token = await this.tokens.sign(remote.module, currentContext()?.user);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    const requestId = currentContext()?.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    return requestAnInstance(remote.pool, path, { method, headers }, this.timeoutMs);
  }
}
