/**
 * Balances per (sender, manifest id), as go-livepeer keeps them: the manifest is the auth token's
 * session for transcoding, "<capability>_<model>" for AI. The tickets themselves go through the
 * edge's payment intake (database balance per orchestrator and sender); this ledger only decides
 * whether one session has paid for its work. Bounded: the least recently used entries go first.
 */
export class ManifestCredit {
  private readonly balances = new Map<string, bigint>();

  constructor(private readonly maxEntries = 50_000) {}

  private key(sender: string, manifest: string): string {
    return `${sender.toLowerCase()}\u0000${manifest}`;
  }

  balance(sender: string, manifest: string): bigint {
    return this.balances.get(this.key(sender, manifest)) ?? 0n;
  }

  /** Adds `delta` (negative for a debit; the balance may go below zero) and returns the new balance. */
  add(sender: string, manifest: string, delta: bigint): bigint {
    const k = this.key(sender, manifest);
    const next = (this.balances.get(k) ?? 0n) + delta;
    this.balances.delete(k);
    this.balances.set(k, next);
    while (this.balances.size > this.maxEntries) {
      const oldest = this.balances.keys().next().value;
      if (oldest === undefined) break;
      this.balances.delete(oldest);
    }
    return next;
  }
}
