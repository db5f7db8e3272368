import { z } from "@hono/zod-openapi";

const dec = z.string().openapi({ description: "Decimal integer string", example: "1000" });
export const addressParam = z.object({
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte 0x address")
    .openapi({
      param: { name: "address", in: "path" },
      example: "0x1111111111111111111111111111111111111111",
    }),
});

export const RoundStatusSchema = z
  .object({
    currentRound: dec,
    initialized: z.boolean(),
    locked: z.boolean(),
    startBlock: dec,
    blockNumber: dec,
    roundLength: dec,
    lastInitializedRound: dec,
  })
  .openapi("RoundStatus");

export const RewardRoundSchema = z
  .object({
    round: dec,
    status: z.enum(["rewarded", "missed", "pending"]),
    amount: dec.optional(),
    ref: z.string().optional(),
    error: z.string().optional(),
  })
  .openapi("RewardRound");

export const OrchestratorSummarySchema = z
  .object({
    address: z.string(),
    totalStake: dec,
    rewardCut: dec.openapi({ description: "Share of rewards kept, PERC (1e6 = 100%)" }),
    feeShare: dec.openapi({ description: "Share of fees passed to delegators, PERC (1e6 = 100%)" }),
    lastRewardRound: dec,
    activationRound: dec,
    deactivationRound: dec,
    serviceURI: z.string(),
    active: z.boolean(),
    hosted: z.boolean(),
    rewardHistory: z.array(RewardRoundSchema),
  })
  .openapi("OrchestratorSummary");

export const OrchestratorDetailSchema = OrchestratorSummarySchema.extend({
  cumulativeRewards: dec,
  cumulativeFees: dec,
  lastFeeRound: dec,
  pendingStake: dec,
  pendingFees: dec,
}).openapi("OrchestratorDetail");

export const DelegatorDetailSchema = z
  .object({
    address: z.string(),
    status: z.string().openapi({ example: "Bonded" }),
    delegateAddress: z.string(),
    bondedAmount: dec,
    pendingStake: dec,
    pendingFees: dec,
    fees: dec,
    delegatedAmount: dec,
    startRound: dec,
    lastClaimRound: dec,
    currentRound: dec,
    unbondingLocks: z.array(
      z.object({ id: dec, amount: dec, withdrawRound: dec, withdrawable: z.boolean() }),
    ),
    warning: z.object({ code: z.literal("CLAIM_BEFORE_REWARD"), message: z.string() }).optional(),
  })
  .openapi("DelegatorDetail");

export const SenderDetailSchema = z
  .object({
    address: z.string(),
    deposit: dec,
    withdrawRound: dec,
    reserve: z.object({ fundsRemaining: dec, claimedInCurrentRound: dec }),
    unlocking: z.boolean(),
    claimableReserve: z.array(z.object({ orchestrator: z.string(), amount: dec })),
  })
  .openapi("SenderDetail");
