import { useEffect, useRef } from 'preact/hooks';

/**
 * Runs `tick` now and then every `everyMs` while `active`, never two at once, and not while the
 * tab is hidden (a tab in the background need not cost the café a request a second).
 */
export function usePoll(tick: () => Promise<void>, everyMs: number, active: boolean, deps: readonly unknown[] = []): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (stopped) return;
      if (!document.hidden) {
        try {
          await latest.current();
        } catch {
          // The tick shows its own errors; a failed round only waits for the next.
        }
      }
      if (!stopped) timer = setTimeout(run, everyMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, everyMs, ...deps]);
}
