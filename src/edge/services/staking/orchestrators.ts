import { z } from "@hono/zod-openapi";
import { serviceURIProblem } from "../../../wire/service-uri.ts";
import { LedgerError } from "../../ledger/errors.ts";
import { addressArg, amountArg, lower, type StakingActionDef } from "./action.ts";

export const transcoder: StakingActionDef<"transcoder"> = {
  summary: "Register as an orchestrator or set rewardCut / feeShare (PERC, 1e6 = 100%)",
  args: z.strictObject({ rewardCut: amountArg, feeShare: amountArg }),
  run: (d, caller, a) => d.ledger.transcoder(caller, BigInt(a.rewardCut), BigInt(a.feeShare)),
  calls: async (ledger, from, a) => {
    const h = await ledger.hints.transcoder(from);
    return [
      {
        contract: "BondingManager",
        functionName: "transcoderWithHint",
        args: [BigInt(a.rewardCut), BigInt(a.feeShare), h.prev, h.next],
      },
    ];
  },
};

export const setServiceURI: StakingActionDef<"setServiceURI"> = {
  summary: "Publish the orchestrator's service URI",
  args: z.strictObject({
    uri: z
      .string()
      .max(2048)
      .refine(
        (uri) => serviceURIProblem(uri) === undefined,
        "must be an http(s) URL without credentials, query or fragment",
      ),
  }),
  run: (d, caller, a) => d.ledger.setServiceURI(caller, a.uri),
  calls: (_l, _f, a) => [{ contract: "ServiceRegistry", functionName: "setServiceURI", args: [a.uri] }],
};

export const setRewardCaller: StakingActionDef<"setRewardCaller"> = {
  summary:
    "Name the one address that may call reward for the orchestrator (the zero address clears it), so its own key can stay offline",
  args: z.strictObject({ rewardCaller: addressArg }),
  run: (d, caller, a) => d.ledger.setRewardCaller(caller, lower(a.rewardCaller)),
  calls: async (ledger, _f, a) => {
    // A BondingManager older than the upgrade would revert with no reason: say what is missing.
    if (!(await ledger.rewardCallerSupported())) {
      throw new LedgerError(
        "LEDGER_FEATURE_MISSING",
        `setRewardCaller: the BondingManager at ${ledger.addresses.BondingManager} predates delegated reward calling (livepeer/protocol#648)`,
      );
    }
    return [{ contract: "BondingManager", functionName: "setRewardCaller", args: [lower(a.rewardCaller)] }];
  },
};
