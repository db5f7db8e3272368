// One nonce sequence per signing key in this process. The scheduler's writes (initializeRound,
// reward) and ticket redemptions run concurrently; each would otherwise read the same pending
// nonce and one transaction would replace or bounce the other. Sends for one key go through a
// queue: the nonce is read from the chain once, then counted here, and read again after a failure
// (the node's view is the truth when a send did not go out).
import type { Address, PublicClient } from "viem";

export interface NonceQueue {
  /** Runs `send` with the key's next nonce, one at a time per key; the nonce is spent when it resolves. */
  withNonce<T>(address: Address, send: (nonce: number) => Promise<T>): Promise<T>;
}

export function createNonceQueue(client: PublicClient): NonceQueue {
  const next = new Map<string, number>();
  const tail = new Map<string, Promise<unknown>>();
  return {
    withNonce(address, send) {
      const key = address.toLowerCase();
      const run = async () => {
        let nonce = next.get(key);
        if (nonce === undefined) {
          nonce = await client.getTransactionCount({ address, blockTag: "pending" });
        }
        try {
          const out = await send(nonce);
          next.set(key, nonce + 1);
          return out;
        } catch (err) {
          next.delete(key);
          throw err;
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
