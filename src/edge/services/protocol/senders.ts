import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";

export interface SenderDetail {
  address: string;
  deposit: string;
  withdrawRound: string;
  reserve: { fundsRemaining: string; claimedInCurrentRound: string };
  unlocking: boolean;
  /** What each orchestrator hosted here may still claim from the reserve. */
  claimableReserve: { orchestrator: string; amount: string }[];
}

export async function senderDetail(deps: AppDeps, address: Address): Promise<SenderDetail> {
  const addr = address.toLowerCase() as Address;
  const hosted = [...deps.keys.orchestrators.keys()];
  const [info, unlocking, claimable] = await Promise.all([
    deps.ledger.getSenderInfo(addr),
    deps.ledger.isUnlockInProgress(addr),
    Promise.all(hosted.map((o) => deps.ledger.claimableReserve(addr, o))),
  ]);
  return {
    address: addr,
    deposit: info.sender.deposit.toString(),
    withdrawRound: info.sender.withdrawRound.toString(),
    reserve: {
      fundsRemaining: info.reserve.fundsRemaining.toString(),
      claimedInCurrentRound: info.reserve.claimedInCurrentRound.toString(),
    },
    unlocking,
    claimableReserve: hosted.map((o, i) => ({ orchestrator: o, amount: (claimable[i] ?? 0n).toString() })),
  };
}
