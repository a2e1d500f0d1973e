/**
 * An in-memory copy of a read model, kept for at most `ttlMs` and dropped at once by `invalidate()`.
 * The owning module invalidates after each of its own commits, so this process never reads its
 * own writes stale; the TTL bounds how long a write made by another instance sharing the
 * database can go unseen. `ttlMs = 0` turns the copy off: every read loads.
 */
export class ReadSnapshot<T> {
  private value: T | undefined;
  private loadedAt = 0;
  /** Bumped by every invalidation: a load that began before it must not be kept. */
  private generation = 0;
  private loading: { generation: number; promise: Promise<T> } | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(): Promise<T> {
    if (this.ttlMs <= 0) return this.load();
    if (this.value !== undefined && this.now() - this.loadedAt < this.ttlMs) return Promise.resolve(this.value);
    // Concurrent readers share one load instead of each querying the database.
    if (this.loading?.generation === this.generation) return this.loading.promise;
    const generation = this.generation;
    const startedAt = this.now();
    const promise = this.load().then(
      (value) => {
        if (generation === this.generation) {
          this.value = value;
          // Age counts from the start of the load: the data may be that old.
          this.loadedAt = startedAt;
        }
        if (this.loading?.promise === promise) this.loading = undefined;
        return value;
      },
      (err: unknown) => {
        if (this.loading?.promise === promise) this.loading = undefined;
        throw err;
      },
    );
    this.loading = { generation, promise };
    return promise;
  }

  /** Forgets the copy and any load in flight: the next read sees everything committed before this call. */
  invalidate(): void {
    this.generation++;
    this.value = undefined;
    this.loading = undefined;
  }
}
