// Protocol addresses, read from the Controller's registry: getContract(keccak256(name)).
import { type Address, keccak256, type PublicClient, toHex, zeroAddress } from "viem";
import { LedgerError } from "../errors.ts";
import { controllerAbi } from "./abi.ts";

/** Arbitrum One's Controller. */
export const ARBITRUM_CONTROLLER: Address = "0xD8E8328501E9645d16Cf49539efC04f734606ee4";

export const CONTRACT_NAMES = [
  "BondingManager",
  "RoundsManager",
  "TicketBroker",
  "ServiceRegistry",
  "Minter",
  "LivepeerToken",
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];
export type ProtocolAddresses = Record<ContractName, Address>;

/**
 * Reads each contract's address from the Controller and checks that code is deployed there (a
 * Controller address from another chain, or a mistyped one, has none): a start on the wrong chain
 * fails here with the address named, not later at the first call.
 */
export async function resolveAddresses(
  client: PublicClient,
  controller: Address,
): Promise<ProtocolAddresses> {
  const hasCode = async (a: Address) => ((await client.getCode({ address: a })) ?? "0x") !== "0x";
  if (!(await hasCode(controller))) {
    throw new LedgerError("LEDGER_UNAVAILABLE", `no contract at the Controller address ${controller}`);
  }
  const out = {} as ProtocolAddresses;
  for (const name of CONTRACT_NAMES) {
    const addr = await client.readContract({
      address: controller,
      abi: controllerAbi,
      functionName: "getContract",
      args: [keccak256(toHex(name))],
    });
    if (addr === zeroAddress) {
      throw new LedgerError("LEDGER_UNAVAILABLE", `Controller ${controller} has no ${name} registered`);
    }
    if (!(await hasCode(addr))) {
      throw new LedgerError(
        "LEDGER_UNAVAILABLE",
        `Controller ${controller} names ${addr} as ${name}, but no contract is deployed there`,
      );
    }
    out[name] = addr;
  }
  return out;
}
