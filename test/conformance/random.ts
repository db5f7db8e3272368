// Seeded random action sequences for the conformance run: a fast-check generator, replayed to
// both ledgers step by step. The same seed always gives the same sequence.
import fc from "fast-check";
import type { Action, Who } from "./harness/actions.ts";
import { LPT, startPair } from "./harness/run.ts";

const amount = fc.constantFrom(0n, 1n, LPT, 10n * LPT, 50n * LPT, 100n * LPT, 100n * LPT, 250n * LPT);
const small = fc.constantFrom(1n, LPT / 10n, LPT, 3n * LPT, 20n * LPT);
const perc = fc.constantFrom(0n, 100_000n, 500_000n, 1_000_000n, 1_000_001n);

function actionArb(n: number): fc.Arbitrary<Action> {
  const by = fc.integer({ min: 0, max: n - 1 });
  const to: fc.Arbitrary<Who> = fc.oneof(
    { weight: 12, arbitrary: by },
    { weight: 1, arbitrary: fc.constant("zero" as const) },
  );
  const lockId = fc.bigInt({ min: 0n, max: 3n });
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ kind: fc.constant("bond" as const), by, amount, to }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("unbond" as const), by, amount }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("rebond" as const), by, lockId }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("rebondFromUnbonded" as const), by, to, lockId }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("transferBond" as const), by, to: by, amount }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdrawStake" as const), by, lockId }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("withdrawFees" as const), by, amount: small }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("claimEarnings" as const), by }) },
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant("transcoder" as const), by, rewardCut: perc, feeShare: perc }),
    },
    { weight: 8, arbitrary: fc.record({ kind: fc.constant("reward" as const), by }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("initializeRound" as const), by }) },
    { weight: 4, arbitrary: fc.constant({ kind: "advanceRound" as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("advanceBlocks" as const),
        n: fc.bigInt({ min: 1n, max: 40n }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("fundDepositAndReserve" as const),
        by,
        deposit: small,
        reserve: small,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("unlock" as const), by }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelUnlock" as const), by }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), by }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant("redeem" as const),
        sender: by,
        recipient: by,
        faceValue: small,
        nonce: fc.bigInt({ min: 0n, max: 15n }),
      }),
    },
  );
}

/** The sequence of `steps` random actions for `seed`. */
export function sequenceFor(seed: number, steps: number, accounts: number): Action[] {
  const [actions] = fc.sample(fc.array(actionArb(accounts), { minLength: steps, maxLength: steps }), {
    seed,
    numRuns: 1,
  });
  return actions!;
}

export interface SeedRun {
  seed: number;
  steps: number;
  ok: number;
  reverted: number;
}

/** A living start for every seed: three orchestrators (two tied), a funded sender, one round on. */
const PRELUDE: Action[] = [
  ...[1, 2, 3].flatMap((by): Action[] => [
    { kind: "bond", by, amount: by === 3 ? 50n * LPT : 100n * LPT, to: by },
    { kind: "transcoder", by, rewardCut: 100_000n * BigInt(by), feeShare: 300_000n * BigInt(by) },
  ]),
  { kind: "bond", by: 4, amount: 40n * LPT, to: 1 },
  { kind: "fundDepositAndReserve", by: 0, deposit: 20n * LPT, reserve: 10n * LPT },
  { kind: "advanceRound" },
  { kind: "initializeRound", by: 0 },
];

/**
 * Replays one seed to both ledgers; throws on the first divergence (with the seed in the message).
 * `via: "ledger"` drives the chain side through createChainLedger instead of raw contract calls.
 */
export async function runSeed(
  seed: number,
  steps: number,
  seats: bigint,
  via: "contracts" | "ledger" = "contracts",
  accounts = 6,
): Promise<SeedRun> {
  const pair = await startPair({
    accounts,
    numActiveTranscoders: seats,
    treasuryBalanceCeiling: 2n * LPT,
    chainVia: via,
  });
  let ok = 0;
  let reverted = 0;
  try {
    for (const a of [...PRELUDE, ...sequenceFor(seed, steps, accounts)]) {
      if ((await pair.step(a)).ok) ok++;
      else reverted++;
    }
  } catch (e) {
    throw new Error(`seed ${seed} (seats ${seats}): ${(e as Error).message}`, { cause: e });
  } finally {
    await pair.close();
  }
  return { seed, steps, ok, reverted };
}
