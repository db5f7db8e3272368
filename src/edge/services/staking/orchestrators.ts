import { z } from "@hono/zod-openapi";
import { serviceURIProblem } from "../../../wire/service-uri.ts";
import { amountArg, type StakingActionDef } from "./action.ts";

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
