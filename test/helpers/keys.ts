import type { HDAccount, PrivateKeyAccount } from "viem/accounts";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";

/** The well-known development mnemonic (anvil / hardhat): never holds real funds. */
export const TEST_MNEMONIC = "test test test test test test test test test test test junk";

const hdCache = new Map<number, HDAccount>();

/** Deterministic test account `index` of TEST_MNEMONIC (m/44'/60'/0'/0/index), memoized. */
export function testAccount(index: number): HDAccount {
  let acct = hdCache.get(index);
  if (acct === undefined) {
    acct = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index });
    hdCache.set(index, acct);
  }
  return acct;
}

/** A deterministic account from a small integer seed (private key = seed, left-padded); seed ≥ 1. */
export function seededAccount(seed: bigint): PrivateKeyAccount {
  if (seed <= 0n) throw new RangeError("seed must be positive");
  return privateKeyToAccount(`0x${seed.toString(16).padStart(64, "0")}`);
}
