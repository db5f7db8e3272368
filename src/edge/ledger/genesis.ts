// The devnet genesis: params, funded accounts, an optional mnemonic, and an optional list of
// actions replayed through the ledger's own methods (so a living network is built by the same code
// paths as any later call). A plain object the user can keep as a JSON file.
import { getAddress, isAddress } from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";
import { z } from "zod";
import type { Address } from "../../protocol/types.ts";
import { LivepeerError } from "../../wire/errors.ts";
import defaultGenesisJson from "./genesis/default.json" with { type: "json" };

/** anvil's default mnemonic. */
export const DEFAULT_MNEMONIC = "test test test test test test test test test test test junk";

/** Accounts derived from a mnemonic as anvil does: m/44'/60'/0'/0/i for i = 0..n-1. */
export function deriveAccounts(mnemonic: string, n: number): HDAccount[] {
  return Array.from({ length: n }, (_, i) => mnemonicToAccount(mnemonic, { addressIndex: i }));
}

const uint = z
  .union([
    z.string().regex(/^\d+$/, "a non-negative decimal integer"),
    z.number().int().nonnegative(),
    z.bigint(),
  ])
  .transform((v) => BigInt(v))
  .refine((v) => v >= 0n, "must not be negative");

const address = z.string().refine((v) => isAddress(v, { strict: false }), "an address");

/** An address, or `{ account: i }` for the i-th genesis account. */
const addressRef = z.union([address, z.object({ account: z.number().int().nonnegative() })]);

const paramsSchema = z.object({
  numActiveTranscoders: uint,
  unbondingPeriod: uint,
  /** Round length in blocks; wall-clock mode derives it from roundSeconds and blockMs instead. */
  roundLength: uint.refine((v) => v > 0n, "must be positive"),
  roundLockAmount: uint,
  inflation: uint,
  inflationChange: uint,
  targetBondingRate: uint,
  treasuryRewardCutRate: uint,
  treasuryBalanceCeiling: uint,
  ticketValidityPeriod: uint,
  unlockPeriod: uint,
});

const accountSchema = z.object({
  /** Omit to derive it from the mnemonic at this entry's position (or `index`). */
  address: address.optional(),
  index: z.number().int().nonnegative().optional(),
  lpt: uint,
  eth: uint,
});

export const GENESIS_METHODS = {
  initializeRound: [],
  bond: ["uint", "address"],
  unbond: ["uint"],
  rebond: ["uint"],
  rebondFromUnbonded: ["address", "uint"],
  withdrawStake: ["uint"],
  withdrawFees: ["address", "uint"],
  claimEarnings: ["uint"],
  transferBond: ["address", "uint"],
  transcoder: ["uint", "uint"],
  reward: [],
  setServiceURI: ["string"],
  fundDeposit: ["uint"],
  fundReserve: ["uint"],
  fundDepositAndReserve: ["uint", "uint"],
  unlock: [],
  cancelUnlock: [],
  withdraw: [],
  advanceRound: [],
  advanceBlocks: ["uint"],
} as const satisfies Record<string, readonly ("uint" | "address" | "string")[]>;

export type GenesisMethod = keyof typeof GENESIS_METHODS;

const actionSchema = z.object({
  method: z.enum(Object.keys(GENESIS_METHODS) as [GenesisMethod, ...GenesisMethod[]]),
  /** Address or `{ account: i }`; not needed for advanceRound / advanceBlocks. */
  caller: addressRef.optional(),
  args: z.array(z.union([z.string(), z.number(), addressRef])).default([]),
});

export const genesisSchema = z.object({
  params: paramsSchema,
  accounts: z.array(accountSchema).min(1),
  mnemonic: z.string().optional(),
  actions: z.array(actionSchema).default([]),
});

/** The genesis as written (JSON-friendly: amounts may be decimal strings). */
export type GenesisInput = z.input<typeof genesisSchema>;

export interface GenesisAction {
  method: GenesisMethod;
  caller: Address | undefined;
  args: (bigint | Address | string)[];
}

/** A validated genesis: bigint amounts, resolved addresses and action arguments. */
export interface Genesis {
  params: z.output<typeof paramsSchema>;
  accounts: { address: Address; lpt: bigint; eth: bigint }[];
  mnemonic: string | undefined;
  actions: GenesisAction[];
}

/** An invalid genesis; the message lists every problem. */
export class GenesisError extends LivepeerError<"GENESIS_INVALID"> {
  constructor(message: string) {
    super("GENESIS_INVALID", message);
    this.name = "GenesisError";
  }
}

/** Validates a genesis object (e.g. a parsed JSON file); throws GenesisError with every problem. */
export function loadGenesis(json: unknown): Genesis {
  const parsed = genesisSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new GenesisError(`invalid genesis: ${issues.join("; ")}`);
  }
  const g = parsed.data;
  const accounts = g.accounts.map((a, i) => {
    if (a.address !== undefined) return { address: getAddress(a.address), lpt: a.lpt, eth: a.eth };
    if (g.mnemonic === undefined)
      throw new GenesisError(`accounts.${i}: no address and no mnemonic to derive it`);
    const derived = mnemonicToAccount(g.mnemonic, { addressIndex: a.index ?? i }).address;
    return { address: derived, lpt: a.lpt, eth: a.eth };
  });
  const seen = new Set<string>();
  for (const a of accounts) {
    if (seen.has(a.address)) throw new GenesisError(`duplicate account ${a.address}`);
    seen.add(a.address);
  }
  const resolve = (ref: string | { account: number }, where: string): Address => {
    if (typeof ref === "string") {
      if (!isAddress(ref, { strict: false })) throw new GenesisError(`${where}: not an address: ${ref}`);
      return getAddress(ref);
    }
    const acct = accounts[ref.account];
    if (!acct) throw new GenesisError(`${where}: no genesis account ${ref.account}`);
    return acct.address;
  };
  const actions = g.actions.map((a, i): GenesisAction => {
    const kinds: readonly string[] = GENESIS_METHODS[a.method];
    const where = `actions.${i} (${a.method})`;
    if (a.args.length !== kinds.length) {
      throw new GenesisError(`${where}: expected ${kinds.length} arguments, got ${a.args.length}`);
    }
    const needsCaller = a.method !== "advanceRound" && a.method !== "advanceBlocks";
    if (needsCaller && a.caller === undefined) throw new GenesisError(`${where}: caller is required`);
    const args = a.args.map((v, j) => {
      const kind = kinds[j];
      if (kind === "address") return resolve(v as string | { account: number }, `${where} arg ${j}`);
      if (kind === "uint") {
        const r = uint.safeParse(v);
        if (!r.success) throw new GenesisError(`${where} arg ${j}: not a non-negative integer`);
        return r.data;
      }
      if (typeof v !== "string") throw new GenesisError(`${where} arg ${j}: expected a string`);
      return v;
    });
    return { method: a.method, caller: a.caller === undefined ? undefined : resolve(a.caller, where), args };
  });
  return { params: g.params, accounts, mnemonic: g.mnemonic, actions };
}

/**
 * The living network `npm start` uses (accounts from DEFAULT_MNEMONIC):
 * 0 gateway sender (funded deposit and reserve); 1, 2, 3 active orchestrators with different
 * stakes; 4, 5, 6 delegators bonded to 1, 2, 3; 7 a registered orchestrator below the active set.
 */
export function defaultGenesis(options: { serviceURI?: string } = {}): GenesisInput {
  const uri = options.serviceURI ?? "http://127.0.0.1:8787";
  const g = structuredClone(defaultGenesisJson) as GenesisInput & {
    actions: { method: string; args: unknown[] }[];
  };
  for (const a of g.actions) {
    if (a.method === "setServiceURI") a.args = [uri];
  }
  return g;
}
