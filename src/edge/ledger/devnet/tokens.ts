// LPT and ETH balances. Contracts hold funds at their own addresses (MINTER_ADDRESS, TREASURY_ADDRESS),
// so conservation is a plain sum over the balance table.
import { LedgerError } from "../errors.ts";
import { MINTER_ADDRESS } from "./addresses.ts";
import type { Store } from "./store.ts";

export async function transferLpt(store: Store, from: string, to: string, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  const src = await store.balance(from);
  if (src.lpt < amount)
    throw new LedgerError("INSUFFICIENT_BALANCE", "ERC20: transfer amount exceeds balance");
  const dst = await store.balance(to);
  src.lpt -= amount;
  dst.lpt += amount;
}

export async function transferEth(store: Store, from: string, to: string, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  const src = await store.balance(from);
  if (src.eth < amount) throw new LedgerError("INSUFFICIENT_BALANCE", "insufficient ETH balance");
  const dst = await store.balance(to);
  src.eth -= amount;
  dst.eth += amount;
}

/** LivepeerToken.mint to the Minter: the only way supply grows after genesis. */
export async function mintLpt(store: Store, amount: bigint): Promise<void> {
  const minter = await store.balance(MINTER_ADDRESS);
  minter.lpt += amount;
  store.set("totalSupply", store.big("totalSupply") + amount);
}
