// Addresses the devnet uses for its contracts, and address normalisation.
import { getAddress, isAddress } from "viem";
import type { Address } from "../../../protocol/types.ts";
import { LedgerError } from "../errors.ts";

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Address;
/** Holds bonded LPT and all ETH (deposits, reserves, fees), as the deployed Minter does. */
export const MINTER_ADDRESS = "0x00000000000000000000000000000000006d696e" as Address;
/** Receives the treasury share of rewards. */
export const TREASURY_ADDRESS = "0x0000000000000000000000000000000074726561" as Address;

/** Lowercase form used as the storage key; throws INVALID_ADDRESS on garbage. */
export function key(address: string): string {
  if (!isAddress(address, { strict: false })) {
    throw new LedgerError("INVALID_ADDRESS", `invalid address: ${address}`);
  }
  return address.toLowerCase();
}

/** Checksummed form for output. */
export function out(address: string): Address {
  return getAddress(address);
}
