import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';

/** Asks the API now and every `everyMs` while the view is shown; the console's polling stops with it. */
export function usePoll<T>(path: string | null, everyMs = 5000): { data: T | null; error: string | null; refresh: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    const load = () =>
      api<T>(path).then(
        (d) => live && (setData(d), setError(null)),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    void load();
    const timer = setInterval(load, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path, everyMs, tick]);
  return { data, error, refresh: () => setTick((t) => t + 1) };
}
