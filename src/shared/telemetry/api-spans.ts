import { ATTR_API_SIDE, ATTR_RPC_METHOD, ATTR_RPC_SERVICE, ATTR_RPC_SYSTEM } from './attributes.ts';
import { inSpan, SpanKind } from './tracer.ts';

/**
 * A public API call, named `<module>/<method>` as RPC spans are. A call to another process is a
 * CLIENT span whose context travels in the request's traceparent header; the called process's
 * HTTP span and its local call are its children. A call within the process is INTERNAL.
 */
export function apiCallSpan<T>(module: string, method: string, side: 'local' | 'remote', work: () => Promise<T>): Promise<T> {
  return inSpan(
    `${module}/${method}`,
    {
      kind: side === 'remote' ? SpanKind.CLIENT : SpanKind.INTERNAL,
      attributes: { [ATTR_RPC_SYSTEM]: 'cafe', [ATTR_RPC_SERVICE]: module, [ATTR_RPC_METHOD]: method, [ATTR_API_SIDE]: side },
    },
    work,
  );
}
