// One nonce sequence per signing key. In this process, the scheduler's writes (initializeRound,
// reward) and ticket redemptions run concurrently; each would otherwise read the same pending
// nonce and one transaction would replace or bounce the other. Sends for one key go through a
// queue: the nonce is read from the chain once, then counted here, and read again after a failure.
// Across processes (two edges on one database, sharing keys), the node's pending nonce is the
// arbiter: a send whose nonce another process took first is refused by the node ("nonce too low",
// "already known", "replacement transaction underpriced"), and is retried with the pending nonce
// read afresh, so every write lands once, at its own nonce.
import { type Address, BaseError, NonceTooLowError, type PublicClient } from "viem";

/** Sends retried after the node said the nonce was taken, before giving up. */
const TAKEN_RETRIES = 16;

export interface NonceQueue {
  /** Runs `send` with the key's next nonce, one at a time per key; the nonce is spent when it resolves. */
  withNonce<T>(address: Address, send: (nonce: number) => Promise<T>): Promise<T>;
}

/** The node refused the transaction because its nonce is used or pending already. */
export function nonceTaken(err: unknown): boolean {
  if (err instanceof BaseError && err.walk((e) => e instanceof NonceTooLowError)) return true;
  const text = err instanceof BaseError ? `${err.details} ${err.shortMessage} ${err.message}` : String(err);
  return /nonce too low|lower than the current nonce|nonce has already been used|already known|known transaction|replacement transaction underpriced|transaction underpriced.*replace/i.test(
    text,
  );
}

export function createNonceQueue(client: PublicClient): NonceQueue {
  const next = new Map<string, number>();
  const tail = new Map<string, Promise<unknown>>();
  const pending = (address: Address) =>
    client.getTransactionCount({ address, blockTag: "pending", cacheTime: 0 } as never);
  return {
    withNonce(address, send) {
      const key = address.toLowerCase();
      const run = async () => {
        let nonce = next.get(key) ?? (await pending(address));
        for (let attempt = 0; ; attempt++) {
          try {
            const out = await send(nonce);
            next.set(key, nonce + 1);
            return out;
          } catch (err) {
            next.delete(key);
            if (!nonceTaken(err) || attempt >= TAKEN_RETRIES) throw err;
            // Another sender with this key got there first: go on from the node's count.
            const fresh = await pending(address);
            nonce = fresh > nonce ? fresh : nonce + 1;
          }
        }
      };
      const prev = tail.get(key) ?? Promise.resolve();
      const result = prev.then(run, run);
      const settled = result.catch(() => {});
      tail.set(key, settled);
      // Drop the tail once nothing follows it, so idle keys hold no promise.
      void settled.then(() => {
        if (tail.get(key) === settled) tail.delete(key);
      });
      return result;
    },
  };
}
