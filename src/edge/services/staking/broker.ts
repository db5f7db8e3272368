import { z } from "@hono/zod-openapi";
import { amountArg, noArgs, type StakingActionDef } from "./action.ts";

const tb = "TicketBroker" as const;

export const fundDeposit: StakingActionDef<"fundDeposit"> = {
  summary: "Add `amount` wei to the sender's ticket deposit",
  args: z.strictObject({ amount: amountArg }),
  run: (d, caller, a) => d.ledger.fundDeposit(caller, BigInt(a.amount)),
  calls: (_l, _f, a) => [{ contract: tb, functionName: "fundDeposit", args: [], value: BigInt(a.amount) }],
};

export const fundReserve: StakingActionDef<"fundReserve"> = {
  summary: "Add `amount` wei to the sender's reserve",
  args: z.strictObject({ amount: amountArg }),
  run: (d, caller, a) => d.ledger.fundReserve(caller, BigInt(a.amount)),
  calls: (_l, _f, a) => [{ contract: tb, functionName: "fundReserve", args: [], value: BigInt(a.amount) }],
};

export const fundDepositAndReserve: StakingActionDef<"fundDepositAndReserve"> = {
  summary: "Fund deposit and reserve in one call",
  args: z.strictObject({ deposit: amountArg, reserve: amountArg }),
  run: (d, caller, a) => d.ledger.fundDepositAndReserve(caller, BigInt(a.deposit), BigInt(a.reserve)),
  calls: (_l, _f, a) => [
    {
      contract: tb,
      functionName: "fundDepositAndReserve",
      args: [BigInt(a.deposit), BigInt(a.reserve)],
      value: BigInt(a.deposit) + BigInt(a.reserve),
    },
  ],
};

export const unlock: StakingActionDef<"unlock"> = {
  summary: "Start the unlock period of the sender's deposit and reserve",
  args: noArgs,
  run: (d, caller) => d.ledger.unlock(caller),
  calls: () => [{ contract: tb, functionName: "unlock", args: [] }],
};

export const cancelUnlock: StakingActionDef<"cancelUnlock"> = {
  summary: "Cancel an unlock in progress",
  args: noArgs,
  run: (d, caller) => d.ledger.cancelUnlock(caller),
  calls: () => [{ contract: tb, functionName: "cancelUnlock", args: [] }],
};

export const withdraw: StakingActionDef<"withdraw"> = {
  summary: "Withdraw deposit and reserve after the unlock period",
  args: noArgs,
  run: (d, caller) => d.ledger.withdraw(caller),
  calls: () => [{ contract: tb, functionName: "withdraw", args: [] }],
};
