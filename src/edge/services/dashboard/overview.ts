import { bondingRate } from "../../../protocol/minter.ts";
import type { AppDeps } from "../../deps.ts";
import { type RoundStatus, roundStatus } from "../protocol/round.ts";

/** Seconds per block where the ledger does not set its own pace (Ethereum L1 blocks drive rounds on Arbitrum). */
const CHAIN_BLOCK_SECONDS = 12;

export interface Overview {
  round: RoundStatus;
  /** Blocks since the round started, and left until the next one. */
  blocksIntoRound: bigint;
  blocksLeft: bigint;
  /** Estimated from the block time; null where blocks advance only on request (a manual devnet). */
  secondsLeft: number | null;
  inflation: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  /** Total bonded over total supply, in MINTER_DIVISOR units like the target. */
  participation: bigint;
  totalBonded: bigint;
  totalSupply: bigint;
  mintable: bigint;
  minted: bigint;
  /** Winning tickets paid to orchestrators this round (their WinningTicketTransfer events). */
  feesThisRound: bigint;
  winningTicketsThisRound: number;
}

export async function overview(deps: AppDeps): Promise<Overview> {
  const l = deps.ledger;
  const [round, inflation, inflationChange, target, totalBonded, totalSupply, mintable, minted, transfers] =
    await Promise.all([
      roundStatus(l),
      l.inflation(),
      l.inflationChange(),
      l.targetBondingRate(),
      l.getTotalBonded(),
      l.totalSupply(),
      l.currentMintableTokens(),
      l.currentMintedTokens(),
      l.getEvents({ name: "WinningTicketTransfer" }),
    ]);
  const current = BigInt(round.currentRound);
  let feesThisRound = 0n;
  let winningTicketsThisRound = 0;
  for (const e of transfers) {
    if (e.round !== current) continue;
    winningTicketsThisRound++;
    feesThisRound += BigInt(e.args.amount ?? 0n);
  }
  const into = BigInt(round.blockNumber) - BigInt(round.startBlock);
  const length = BigInt(round.roundLength);
  const blocksLeft = into >= length ? 0n : length - into;
  const cfg = deps.config.ledger;
  const blockSeconds =
    cfg.kind === "devnet" ? (cfg.roundSeconds > 0 ? cfg.blockMs / 1000 : null) : CHAIN_BLOCK_SECONDS;
  return {
    round,
    blocksIntoRound: into < 0n ? 0n : into,
    blocksLeft,
    secondsLeft: blockSeconds === null ? null : Number(blocksLeft) * blockSeconds,
    inflation,
    inflationChange,
    targetBondingRate: target,
    participation: bondingRate(totalBonded, totalSupply),
    totalBonded,
    totalSupply,
    mintable,
    minted,
    feesThisRound,
    winningTicketsThisRound,
  };
}
