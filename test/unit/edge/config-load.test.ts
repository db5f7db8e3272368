import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/edge/config.ts";
import { describeStartupError, loadConfig } from "../../../src/edge/config-load.ts";

const KEY_A = `0x${"11".repeat(32)}`;
const KEY_B = `0x${"22".repeat(32)}`;

describe("loadConfig", () => {
  test("defaults with an empty environment", () => {
    const c = loadConfig({});
    expect(c.roles).toEqual(["gateway", "orchestrator"]);
    expect(c.ledger.kind).toBe("devnet");
    expect(c.port).toBe(8787);
  });

  test("environment overrides the JSON file, and the file fills the rest", () => {
    const file = JSON.stringify({
      port: 9000,
      host: "0.0.0.0",
      database: { url: "file:/tmp/from-file.db" },
      ledger: { kind: "devnet", roundSeconds: 30 },
      api: { bodyLimitBytes: 2048 },
    });
    const c = loadConfig(
      {
        LIVEPEER_CONFIG: "/etc/edge.json",
        PORT: "9100",
        DATABASE_URL: "file:/tmp/from-env.db",
        ROLES: "orchestrator",
        ROUND_SECONDS: "5",
        ORCHESTRATOR_KEYS: `${KEY_A}, ${KEY_B}`,
        PUBLIC_URL: "http://edge.example:9100",
        SCHEDULER: "off",
        TICKET_SECRET: `0x${"ab".repeat(32)}`,
      },
      { readFile: (p) => (p === "/etc/edge.json" ? file : "") },
    );
    expect(c.port).toBe(9100);
    expect(c.host).toBe("0.0.0.0");
    expect(c.database.url).toBe("file:/tmp/from-env.db");
    expect(c.roles).toEqual(["orchestrator"]);
    expect(c.ledger as object).toMatchObject({ kind: "devnet", roundSeconds: 5 });
    expect(c.api.bodyLimitBytes).toBe(2048);
    expect(c.orchestrators.map((o) => o.privateKey as string)).toEqual([KEY_A, KEY_B]);
    expect(c.orchestrators[0]?.serviceURI).toBe("http://edge.example:9100");
    expect(c.scheduler.enabled).toBe(false);
  });

  test("LEDGER=chain switches the variant and needs RPC_URL", () => {
    expect(() => loadConfig({ LEDGER: "chain" })).toThrow(ConfigError);
    const c = loadConfig({ LEDGER: "chain", RPC_URL: "http://127.0.0.1:8545", CHAIN_ID: "31337" });
    expect(c.ledger as object).toMatchObject({
      kind: "chain",
      rpcUrl: "http://127.0.0.1:8545",
      chainId: 31337,
      controller: "0xd8e8328501e9645d16cf49539efc04f734606ee4",
    });
    const local = loadConfig({
      LEDGER: "chain",
      RPC_URL: "http://127.0.0.1:8545",
      CONTROLLER_ADDRESS: "0x00000000000000000000000000000000000000AA",
      CONFIRMATIONS: "2",
      MAX_FEE_PER_GAS: "3000000000",
      MAX_PRIORITY_FEE_PER_GAS: "1000000",
    });
    expect(local.ledger as object).toMatchObject({
      controller: "0x00000000000000000000000000000000000000aa",
      confirmations: 2,
      maxFeePerGas: 3_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    expect((local.ledger as { chainId?: number }).chainId).toBeUndefined();
  });

  test("a bad config lists every problem with its path", () => {
    let err: unknown;
    try {
      loadConfig({ PORT: "seventy", ROLES: "gateway,janitor", SENDER_PRIVATE_KEY: "0x12" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues.join("\n");
    expect(issues).toContain('PORT="seventy": must be an integer');
    expect(issues).toContain("port:");
    expect(issues).toContain("roles.1:");
    expect(issues).toContain("gateway.senderPrivateKey:");
    expect(describeStartupError(err)).toStartWith("livepeer-edge: invalid configuration:");
  });

  test("an unreadable or malformed file is a ConfigError naming the file", () => {
    expect(() =>
      loadConfig(
        { LIVEPEER_CONFIG: "/nope.json" },
        {
          readFile: () => {
            throw new Error("ENOENT");
          },
        },
      ),
    ).toThrow(/cannot read \/nope.json: ENOENT/);
    expect(() => loadConfig({ LIVEPEER_CONFIG: "/x.json" }, { readFile: () => "{ nope" })).toThrow(
      /\/x.json is not valid JSON/,
    );
    expect(() => loadConfig({ LIVEPEER_CONFIG: "/x.json" })).toThrow(/cannot read files on this runtime/);
  });

  test("REWARD_CALLER_KEYS: ORCHESTRATOR=KEY pairs over the file's, addresses lowercased; a bad item is named, not shown", () => {
    const orchA = `0x${"aA".repeat(20)}`;
    const orchB = `0x${"bb".repeat(20)}`;
    const orchC = `0x${"cc".repeat(20)}`;
    const file = JSON.stringify({ rewardCallers: { [orchC]: KEY_A, [orchB]: KEY_A } });
    const c = loadConfig(
      { LIVEPEER_CONFIG: "/etc/edge.json", REWARD_CALLER_KEYS: `${orchA}=${KEY_A} , ${orchB}=${KEY_B}` },
      { readFile: () => file },
    );
    expect(c.rewardCallers as Record<string, string>).toEqual({
      [orchA.toLowerCase()]: KEY_A,
      [orchB]: KEY_B,
      [orchC]: KEY_A,
    });
    expect(c.orchestrators).toEqual([]);
    let message = "";
    try {
      loadConfig({ REWARD_CALLER_KEYS: `${orchA}=${KEY_A},${KEY_B}` });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("REWARD_CALLER_KEYS: item 2 is not ORCHESTRATOR=VALUE");
    expect(message).not.toContain(KEY_B.slice(2));
    expect(() => loadConfig({ REWARD_CALLER_KEYS: `0x12=${KEY_A}` })).toThrow(/rewardCallers/);
  });
});
