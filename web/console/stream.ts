import type { Observation } from './types.ts';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
  onReady(info: { collectingSpans: boolean; keptMinutes: number }): void;
  onObservation(o: Observation): void;
  onState(state: StreamState): void;
  onRefused(message: string): void;
}

/**
 * The bus's live stream, read with fetch rather than EventSource: EventSource cannot send the
 * Authorization header, and a fetch needs no cookie or ticket on the server (ADR 20). Reconnects
 * after a pause when the connection drops; `close` ends it for good.
 */
export function openStream(token: string, handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch('/api/console/events', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
        if (res.status === 401 || res.status === 403) {
          handlers.onRefused(res.status === 401 ? 'Your session ended; sign in again.' : 'This account may not use the console.');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        await read(res.body, handlers);
      } catch {
        if (abort.signal.aborted) return;
      }
      handlers.onState('reconnecting');
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  handlers.onState('connecting');
  void run();
  return () => abort.abort();
}

async function read(body: ReadableStream<Uint8Array>, handlers: StreamHandlers): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (event === 'ready') {
        handlers.onState('live');
        handlers.onReady(JSON.parse(data.join('\n')) as { collectingSpans: boolean; keptMinutes: number });
      } else if (event === 'observation') handlers.onObservation(JSON.parse(data.join('\n')) as Observation);
    }
  }
}
