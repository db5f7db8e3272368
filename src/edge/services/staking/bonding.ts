import { z } from "@hono/zod-openapi";
import { livepeerTokenAbi } from "../../ledger/chain/abi.ts";
import { addressArg, amountArg, lower, type StakingActionDef } from "./action.ts";

const bm = "BondingManager" as const;

export const bond: StakingActionDef<"bond"> = {
  summary: "Bond `amount` LPT to orchestrator `to` (claims earnings first)",
  args: z.strictObject({ amount: amountArg, to: addressArg }),
  run: (d, caller, a) => d.ledger.bond(caller, BigInt(a.amount), lower(a.to)),
  calls: async (ledger, from, a) => {
    // bond pulls the LPT with transferFrom: the BondingManager needs the allowance first.
    const amount = BigInt(a.amount);
    const allowed = (await ledger.client.readContract({
      address: ledger.addresses.LivepeerToken,
      abi: livepeerTokenAbi,
      functionName: "allowance",
      args: [from, ledger.addresses[bm]],
    })) as bigint;
    // The pairs bondWithHint takes, as the chain ledger's own bond works them out (before the approve,
    // which moves no stake).
    const h = await ledger.hints.bond(from, amount, lower(a.to));
    const bond = {
      contract: bm,
      functionName: "bondWithHint",
      args: [
        amount,
        lower(a.to),
        h.oldDelegate.prev,
        h.oldDelegate.next,
        h.currDelegate.prev,
        h.currDelegate.next,
      ],
    };
    return allowed >= amount
      ? [bond]
      : [{ contract: "LivepeerToken", functionName: "approve", args: [ledger.addresses[bm], amount] }, bond];
  },
};

export const unbond: StakingActionDef<"unbond"> = {
  summary: "Unbond `amount`, creating an unbonding lock",
  args: z.strictObject({ amount: amountArg }),
  run: (d, caller, a) => d.ledger.unbond(caller, BigInt(a.amount)),
  calls: async (ledger, from, a) => {
    const h = await ledger.hints.unbond(from, BigInt(a.amount));
    return [{ contract: bm, functionName: "unbondWithHint", args: [BigInt(a.amount), h.prev, h.next] }];
  },
};

export const rebond: StakingActionDef<"rebond"> = {
  summary: "Cancel unbonding lock `lockId`; with `to`, rebond an unbonded delegator to `to`",
  args: z.strictObject({ lockId: amountArg, to: addressArg.optional() }),
  run: (d, caller, a) =>
    a.to === undefined
      ? d.ledger.rebond(caller, BigInt(a.lockId))
      : d.ledger.rebondFromUnbonded(caller, lower(a.to), BigInt(a.lockId)),
  calls: async (ledger, from, a) => {
    const lockId = BigInt(a.lockId);
    if (a.to === undefined) {
      const h = await ledger.hints.rebond(from, lockId);
      return [{ contract: bm, functionName: "rebondWithHint", args: [lockId, h.prev, h.next] }];
    }
    const h = await ledger.hints.rebondFromUnbonded(from, lower(a.to), lockId);
    return [
      {
        contract: bm,
        functionName: "rebondFromUnbondedWithHint",
        args: [lower(a.to), lockId, h.prev, h.next],
      },
    ];
  },
};

export const withdrawStake: StakingActionDef<"withdrawStake"> = {
  summary: "Withdraw the LPT of an unbonding lock whose withdraw round has come",
  args: z.strictObject({ lockId: amountArg }),
  run: (d, caller, a) => d.ledger.withdrawStake(caller, BigInt(a.lockId)),
  calls: (_l, _f, a) => [{ contract: bm, functionName: "withdrawStake", args: [BigInt(a.lockId)] }],
};

export const withdrawFees: StakingActionDef<"withdrawFees"> = {
  summary: "Withdraw `amount` wei of earned fees to `recipient`",
  args: z.strictObject({ recipient: addressArg, amount: amountArg }),
  run: (d, caller, a) => d.ledger.withdrawFees(caller, lower(a.recipient), BigInt(a.amount)),
  calls: (_l, _f, a) => [
    { contract: bm, functionName: "withdrawFees", args: [lower(a.recipient), BigInt(a.amount)] },
  ],
};

export const claimEarnings: StakingActionDef<"claimEarnings"> = {
  summary: "Claim pending stake and fees (see the delegator's claim-timing warning first)",
  args: z.strictObject({ endRound: amountArg.optional() }),
  run: async (d, caller, a) =>
    d.ledger.claimEarnings(
      caller,
      a.endRound === undefined ? await d.ledger.currentRound() : BigInt(a.endRound),
    ),
  calls: async (ledger, _f, a) => [
    {
      contract: bm,
      functionName: "claimEarnings",
      args: [a.endRound === undefined ? await ledger.currentRound() : BigInt(a.endRound)],
    },
  ],
};
