// The genesis (default living network, validation, replayed actions) and the devnet clock
// (manual and wall-clock modes, shared by every process on the file).
import { afterEach, describe, expect, test } from "bun:test";
import { createDevnet } from "../../../src/edge/ledger/devnet.ts";
import {
  DEFAULT_MNEMONIC,
  defaultGenesis,
  deriveAccounts,
  GenesisError,
  loadGenesis,
} from "../../../src/edge/ledger/genesis.ts";
import { ETH, freshDevnet, LPT, type TestDevnet, testGenesis } from "../../helpers/devnet.ts";

let t: TestDevnet | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe("genesis", () => {
  test("the default genesis is a living network: 3 active orchestrators, delegators, a funded sender, one excluded", async () => {
    t = await freshDevnet({ genesis: defaultGenesis({ serviceURI: "http://127.0.0.1:9999" }) });
    const { devnet } = t;
    const a = deriveAccounts(DEFAULT_MNEMONIC, 8).map((x) => x.address);
    // anvil's well-known first address
    expect(a[0]).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(await devnet.currentRound()).toBe(2n);
    expect(await devnet.currentRoundInitialized()).toBe(true);
    expect(await devnet.getActiveSet()).toEqual([
      { address: a[1]!, totalStake: 800_000n * LPT },
      { address: a[2]!, totalStake: 500_000n * LPT },
      { address: a[3]!, totalStake: 300_000n * LPT },
    ]);
    expect(await devnet.isActiveTranscoder(a[7]!)).toBe(false);
    expect((await devnet.getDelegator(a[7]!)).delegateAddress).toBe(a[7]!); // registered, below the set
    for (const i of [1, 2, 3, 7]) expect(await devnet.getServiceURI(a[i]!)).toBe("http://127.0.0.1:9999");
    for (const [d, o] of [
      [4, 1],
      [5, 2],
      [6, 3],
    ] as const) {
      expect((await devnet.getDelegator(a[d]!)).delegateAddress).toBe(a[o]!);
    }
    expect((await devnet.getSenderInfo(a[0]!)).sender.deposit).toBe(10n * ETH);
    expect((await devnet.getSenderInfo(a[0]!)).reserve.fundsRemaining).toBe(10n * ETH);
    expect(await devnet.getTranscoderPoolMaxSize()).toBe(3n);
    expect(await devnet.totalSupply()).toBe(5_010_000n * LPT);
  });

  test("loadGenesis accepts decimal strings and account refs, and rejects bad input with every problem", () => {
    const g = loadGenesis(testGenesis({ n: 2 }));
    expect(g.accounts[1]?.lpt).toBe(1_000_000n * LPT);
    expect(g.accounts[1]?.address).toBe(deriveAccounts(DEFAULT_MNEMONIC, 2)[1]!.address);
    expect(() =>
      loadGenesis({ ...testGenesis(), params: { ...testGenesis().params, inflation: "-1" } }),
    ).toThrow(GenesisError);
    expect(() => loadGenesis({ ...testGenesis(), mnemonic: undefined })).toThrow(
      /no address and no mnemonic/,
    );
    expect(() =>
      loadGenesis({
        ...testGenesis({ n: 2 }),
        actions: [{ method: "bond", caller: { account: 5 }, args: ["1", { account: 0 }] }],
      }),
    ).toThrow(/no genesis account 5/);
    expect(() =>
      loadGenesis({ ...testGenesis(), actions: [{ method: "bond", caller: { account: 1 }, args: ["1"] }] }),
    ).toThrow(/expected 2 arguments/);
  });

  test("a failing genesis action names itself", async () => {
    const g = testGenesis({ actions: [{ method: "reward", caller: { account: 1 }, args: [] }] });
    await expect(createDevnet({ url: ":memory:", genesis: g })).rejects.toThrow(
      /genesis action 0 \(reward\) failed: caller must be an active transcoder/,
    );
  });

  test("reopening a file keeps its state and ignores the new genesis", async () => {
    t = await freshDevnet();
    await t.devnet.advanceRound();
    const again = await createDevnet({ url: t.url, genesis: defaultGenesis() });
    expect(await again.currentRound()).toBe(2n);
    expect(await again.getActiveSet()).toEqual([]);
    expect((await again.getEvents({ name: "NewRound" })).length).toBe(1);
    await again.close();
  });
});

describe("devnet clock", () => {
  test("manual mode: blocks move only with advanceRound / advanceBlocks; rounds are block / roundLength", async () => {
    t = await freshDevnet();
    const { devnet } = t;
    expect(await devnet.roundLength()).toBe(100n);
    expect(await devnet.blockNumber()).toBe(100n);
    expect(await devnet.advanceBlocks(150n)).toBe(250n);
    expect(await devnet.currentRound()).toBe(2n);
    expect(await devnet.currentRoundStartBlock()).toBe(200n);
    expect(await devnet.currentRoundInitialized()).toBe(false);
    expect(await devnet.advanceRound()).toBe(3n);
    expect(await devnet.blockNumber()).toBe(300n);
    // Round 2 was skipped: it never gets a block hash, and inflation steps once per initialization.
    const before = await devnet.inflation();
    await devnet.initializeRound(t.addr[0]!);
    expect(await devnet.inflation()).toBe(before + 500n);
    expect(await devnet.blockHashForRound(2n)).toBe(`0x${"00".repeat(32)}`);
    expect(await devnet.blockHashForRound(3n)).toMatch(/^0x[0-9a-f]{64}$/);
    await expect(devnet.initializeRound(t.addr[0]!)).rejects.toMatchObject({
      code: "ROUND_ALREADY_INITIALIZED",
    });
  });

  test("wall-clock mode: a round lasts roundSeconds of the injected clock; two instances on one file agree", async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    t = await freshDevnet({ roundSeconds: 10, blockMs: 500, clock });
    const { devnet } = t;
    expect(await devnet.roundLength()).toBe(20n);
    expect(await devnet.currentRound()).toBe(1n);
    now += 9_999;
    expect(await devnet.blockNumber()).toBe(39n);
    expect(await devnet.currentRound()).toBe(1n);
    now += 1;
    expect(await devnet.currentRound()).toBe(2n);
    // Nothing auto-initializes.
    expect(await devnet.currentRoundInitialized()).toBe(false);
    // A second instance on the same file, with its own options, reads the stored clock.
    const other = await createDevnet({ url: t.url, genesis: testGenesis(), roundSeconds: 60, clock });
    expect(await other.currentRound()).toBe(2n);
    await other.advanceRound();
    expect(await devnet.currentRound()).toBe(3n);
    expect(await devnet.blockNumber()).toBe(60n);
    await other.close();
  });
});
