// Hosted orchestrator and sender keys from go-livepeer keystore files: the edge boots with them
// through the ordinary config loader, signs with them (the scheduler's reward call), and neither
// the keys nor the password appear in anything it logs, nor in the error a wrong password gives.
import { afterAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDeps } from "../../../src/edge/bootstrap.ts";
import { loadConfig } from "../../../src/edge/config-load.ts";
import { encryptKeystore } from "../../../src/edge/ledger/chain/keystore.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../../../src/edge/ledger/genesis.ts";
import { createLogger } from "../../../src/edge/logger.ts";
import { tick } from "../../../src/edge/scheduler/tick.ts";
import { bytesToHex } from "../../../src/protocol/bytes.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { tempDir } from "../../helpers/edge.ts";

const tmp = tempDir("keystore-edge-");
afterAll(() => tmp.cleanup());

const accounts = deriveAccounts(DEFAULT_MNEMONIC, 2);
const keyOf = (i: number) => bytesToHex(accounts[i]!.getHdKey().privateKey!) as Hex;
const PASSWORD = "correct horse battery staple 7f3a";
const readFile = (p: string) => readFileSync(p, "utf8");

function files() {
  const orch = join(tmp.dir, "orchestrator.json");
  const sender = join(tmp.dir, "sender.json");
  const pw = join(tmp.dir, "password.txt");
  // go-livepeer's light scrypt parameters keep the test quick.
  writeFileSync(orch, JSON.stringify(encryptKeystore(keyOf(1), PASSWORD, { n: 4096, p: 6 })));
  writeFileSync(sender, JSON.stringify(encryptKeystore(keyOf(0), PASSWORD, { n: 4096, p: 6 })));
  writeFileSync(pw, `${PASSWORD}\n`);
  return { orch, sender, pw };
}

test("keystore keys sign for the edge and never reach its logs", async () => {
  const f = files();
  const lines: string[] = [];
  const config = loadConfig(
    {
      DATABASE_URL: `file:${join(tmp.dir, "edge.db")}`,
      ORCHESTRATOR_KEYSTORES: f.orch,
      SENDER_KEYSTORE: f.sender,
      KEYSTORE_PASSWORD_FILE: f.pw,
      ROUND_SECONDS: "0",
      LOG_LEVEL: "debug",
    },
    { readFile },
  );
  expect(config.orchestrators.map((o) => o.privateKey)).toEqual([keyOf(1)]);
  expect(config.gateway.senderPrivateKey).toBe(keyOf(0));

  const deps = await buildDeps(config, {
    logger: createLogger({ level: "debug", sink: (l) => lines.push(l) }),
  });
  try {
    const orch = accounts[1]!.address.toLowerCase();
    expect([...deps.keys.orchestrators.keys()] as string[]).toEqual([orch]);
    const report = await tick(deps);
    expect(report.errors).toEqual([]);
    expect(report.rewards).toMatchObject([{ orchestrator: orch, status: "succeeded" }]);
  } finally {
    await deps.close();
  }
  const logged = lines.join("\n");
  expect(logged).toContain("reward called");
  for (const secret of [keyOf(0), keyOf(1), PASSWORD]) {
    expect(logged).not.toContain(secret.replace(/^0x/, ""));
  }
});

test("a wrong password is a config error naming the file, not the password", () => {
  const f = files();
  writeFileSync(f.pw, "wrong password 91c2\n");
  let message = "";
  try {
    loadConfig({ ORCHESTRATOR_KEYSTORES: f.orch, KEYSTORE_PASSWORD_FILE: f.pw }, { readFile });
  } catch (e) {
    message = `${(e as Error).message} ${JSON.stringify(e)}`;
  }
  expect(message).toContain(f.orch);
  expect(message).toContain("wrong password");
  expect(message).not.toContain("wrong password 91c2");
  expect(message).not.toContain(PASSWORD);
});

test("REWARD_CALLER_KEYSTORES: ORCHESTRATOR=FILE pairs decrypt to the reward callers' keys", () => {
  const f = files();
  const orch = accounts[1]!.address;
  const config = loadConfig(
    { REWARD_CALLER_KEYSTORES: `${orch}=${f.sender}`, KEYSTORE_PASSWORD_FILE: f.pw },
    { readFile },
  );
  expect(config.rewardCallers as Record<string, string>).toEqual({ [orch.toLowerCase()]: keyOf(0) });
  expect(config.orchestrators).toEqual([]);
  expect(() => loadConfig({ REWARD_CALLER_KEYSTORES: `${orch}=${f.sender}` }, { readFile })).toThrow(
    /KEYSTORE_PASSWORD_FILE/,
  );
});
