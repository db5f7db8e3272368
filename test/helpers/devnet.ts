// Fresh devnets for tests: each on its own libSQL file in a new temp dir.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HDAccount } from "viem/accounts";
import type { Clock } from "../../src/edge/deps.ts";
import { createDevnet, type Devnet } from "../../src/edge/ledger/devnet.ts";
import { DEFAULT_MNEMONIC, deriveAccounts, type GenesisInput } from "../../src/edge/ledger/genesis.ts";
import type { Ledger } from "../../src/edge/ledger/types.ts";
import { MAX_UINT256 } from "../../src/protocol/bytes.ts";
import { recipientRandHash } from "../../src/protocol/commit-reveal.ts";
import { signTicket } from "../../src/protocol/signature.ts";
import { ticketHash } from "../../src/protocol/ticket.ts";
import type { Ticket } from "../../src/protocol/types.ts";

export const LPT = 10n ** 18n;
export const ETH = 10n ** 18n;

/** Params of a small local network; override any of them per test. */
export function testParams(overrides: Partial<GenesisInput["params"]> = {}): GenesisInput["params"] {
  return {
    numActiveTranscoders: "3",
    unbondingPeriod: "2",
    roundLength: "100",
    roundLockAmount: "100000",
    inflation: "500000",
    inflationChange: "500",
    targetBondingRate: "500000000",
    treasuryRewardCutRate: "0",
    treasuryBalanceCeiling: "0",
    ticketValidityPeriod: "2",
    unlockPeriod: "2",
    ...overrides,
  };
}

/** A genesis of `n` mnemonic accounts holding `lpt` LPT and `eth` ETH each, and no actions. */
export function testGenesis(
  options: {
    n?: number;
    lpt?: bigint;
    eth?: bigint;
    params?: Partial<GenesisInput["params"]>;
    actions?: GenesisInput["actions"];
  } = {},
): GenesisInput {
  const n = options.n ?? 8;
  return {
    params: testParams(options.params),
    mnemonic: DEFAULT_MNEMONIC,
    accounts: Array.from({ length: n }, () => ({
      lpt: (options.lpt ?? 1_000_000n * LPT).toString(),
      eth: (options.eth ?? 1_000n * ETH).toString(),
    })),
    actions: options.actions ?? [],
  };
}

export interface TestDevnet {
  devnet: Devnet;
  dir: string;
  url: string;
  accounts: HDAccount[];
  /** Addresses of the accounts, in order. */
  addr: `0x${string}`[];
  cleanup(): Promise<void>;
}

/** A devnet on a fresh file in a temp dir (round 1 initialized by genesis). */
export async function freshDevnet(
  options: { genesis?: GenesisInput; roundSeconds?: number; blockMs?: number; clock?: Clock } = {},
): Promise<TestDevnet> {
  const genesis = options.genesis ?? testGenesis();
  const dir = mkdtempSync(join(tmpdir(), "devnet-"));
  const url = `file:${join(dir, "devnet.db")}`;
  const devnet = await createDevnet({
    url,
    genesis,
    ...(options.roundSeconds !== undefined ? { roundSeconds: options.roundSeconds } : {}),
    ...(options.blockMs !== undefined ? { blockMs: options.blockMs } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
  const accounts = deriveAccounts(DEFAULT_MNEMONIC, genesis.accounts.length);
  return {
    devnet,
    dir,
    url,
    accounts,
    addr: accounts.map((a) => a.address),
    cleanup: async () => {
      await devnet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Moves to the next round and initializes it; returns the new round. */
export async function nextRound(devnet: Devnet, caller: `0x${string}`): Promise<bigint> {
  const r = await devnet.advanceRound();
  await devnet.initializeRound(caller);
  return r;
}

/** A ticket that always wins (winProb = 2^256 - 1), signed by `sender`, created in the current round. */
export async function winningTicket(
  devnet: Pick<Ledger, "currentRound" | "blockHashForRound">,
  sender: HDAccount,
  recipient: `0x${string}`,
  faceValue: bigint,
  senderNonce: bigint,
  creationRound?: bigint,
): Promise<{ ticket: Ticket; sig: `0x${string}`; recipientRand: bigint; hash: `0x${string}` }> {
  const round = creationRound ?? (await devnet.currentRound());
  const rand = BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`);
  const ticket: Ticket = {
    recipient,
    sender: sender.address,
    faceValue,
    winProb: MAX_UINT256,
    senderNonce,
    recipientRandHash: recipientRandHash(rand),
    creationRound: round,
    creationRoundBlockHash: await devnet.blockHashForRound(round),
  };
  const sig = await signTicket(sender, ticket);
  return { ticket, sig, recipientRand: rand, hash: ticketHash(ticket) };
}
