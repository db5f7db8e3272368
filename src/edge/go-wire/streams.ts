/** Where one result lives: a blob of the job area. */
export interface StreamEntry {
  blobKey: string;
  contentType: string;
}

/**
 * The results served under /stream/: like go-livepeer's memory driver, the last `perPath` files of
 * each (session, rendition) and a bound on the total, so old results drop off.
 */
export class StreamStore {
  private readonly entries = new Map<string, StreamEntry>();
  private readonly byPrefix = new Map<string, string[]>();

  constructor(
    private readonly perPath = 12,
    private readonly maxEntries = 20_000,
  ) {}

  /** Registers `path` (e.g. "sess/P240p30fps16x9/3.ts"); the prefix is everything before the file. */
  put(path: string, entry: StreamEntry): void {
    const prefix = path.slice(0, path.lastIndexOf("/"));
    const list = this.byPrefix.get(prefix) ?? [];
    list.push(path);
    while (list.length > this.perPath) this.entries.delete(list.shift()!);
    this.byPrefix.set(prefix, list);
    this.entries.delete(path);
    this.entries.set(path, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get(path: string): StreamEntry | undefined {
    return this.entries.get(path);
  }
}
