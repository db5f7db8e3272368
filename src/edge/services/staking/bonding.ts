import { z } from "@hono/zod-openapi";
import { addressArg, amountArg, lower, type StakingActionDef } from "./action.ts";

export const bond: StakingActionDef<"bond"> = {
  summary: "Bond `amount` LPT to orchestrator `to` (claims earnings first)",
  args: z.strictObject({ amount: amountArg, to: addressArg }),
  run: (d, caller, a) => d.ledger.bond(caller, BigInt(a.amount), lower(a.to)),
};

export const unbond: StakingActionDef<"unbond"> = {
  summary: "Unbond `amount`, creating an unbonding lock",
  args: z.strictObject({ amount: amountArg }),
  run: (d, caller, a) => d.ledger.unbond(caller, BigInt(a.amount)),
};

export const rebond: StakingActionDef<"rebond"> = {
  summary: "Cancel unbonding lock `lockId`; with `to`, rebond an unbonded delegator to `to`",
  args: z.strictObject({ lockId: amountArg, to: addressArg.optional() }),
  run: (d, caller, a) =>
    a.to === undefined
      ? d.ledger.rebond(caller, BigInt(a.lockId))
      : d.ledger.rebondFromUnbonded(caller, lower(a.to), BigInt(a.lockId)),
};

export const withdrawStake: StakingActionDef<"withdrawStake"> = {
  summary: "Withdraw the LPT of an unbonding lock whose withdraw round has come",
  args: z.strictObject({ lockId: amountArg }),
  run: (d, caller, a) => d.ledger.withdrawStake(caller, BigInt(a.lockId)),
};

export const withdrawFees: StakingActionDef<"withdrawFees"> = {
  summary: "Withdraw `amount` wei of earned fees to `recipient`",
  args: z.strictObject({ recipient: addressArg, amount: amountArg }),
  run: (d, caller, a) => d.ledger.withdrawFees(caller, lower(a.recipient), BigInt(a.amount)),
};

export const claimEarnings: StakingActionDef<"claimEarnings"> = {
  summary: "Claim pending stake and fees (see the delegator's claim-timing warning first)",
  args: z.strictObject({ endRound: amountArg.optional() }),
  run: async (d, caller, a) =>
    d.ledger.claimEarnings(
      caller,
      a.endRound === undefined ? await d.ledger.currentRound() : BigInt(a.endRound),
    ),
};
