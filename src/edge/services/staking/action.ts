import { z } from "@hono/zod-openapi";
import type { Address } from "../../../protocol/types.ts";
import type { StakingAction, StakingArgs } from "../../../wire/staking.ts";
import type { AppDeps } from "../../deps.ts";
import type { ChainLedger } from "../../ledger/chain/ledger.ts";
import type { ChainCall } from "../../ledger/chain/unsigned.ts";
import type { TxResult } from "../../ledger/types.ts";

/**
 * One staking write: its argument schema (strings only, no transforms), the devnet call made for a
 * signed request, and the contract calls the user's own wallet sends on the chain ledger (in order:
 * a prerequisite such as the LPT approve first).
 */
export interface StakingActionDef<A extends StakingAction> {
  summary: string;
  args: z.ZodType<StakingArgs[A]>;
  run(deps: AppDeps, caller: Address, args: StakingArgs[A]): Promise<TxResult>;
  calls(ledger: ChainLedger, from: Address, args: StakingArgs[A]): Promise<ChainCall[]> | ChainCall[];
}

// Schemas validate without transforming, so the validated args equal the signed ones.
export const amountArg = z
  .string()
  .regex(/^\d{1,78}$/, "must be a decimal integer string")
  .openapi({ example: "1000000000000000000" });
export const addressArg = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte 0x address")
  .openapi({ example: "0x1111111111111111111111111111111111111111" }) as unknown as z.ZodType<Address>;
export const noArgs = z.strictObject({}) as unknown as z.ZodType<Record<string, never>>;

export const lower = (a: Address) => a.toLowerCase() as Address;
