// Serialises one devnet instance's database work: an in-memory database has a single connection,
// and one writer per process keeps SQLITE_BUSY to cross-process contention only.
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
