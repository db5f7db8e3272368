import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { loadConfig } from "../../src/edge/config-load.ts";

// The README points operators at these files: they must stay valid configs for their role.
const load = (path: string) =>
  loadConfig({ LIVEPEER_CONFIG: path }, { readFile: (p) => readFileSync(p, "utf8") });

test("config/orchestrator.example.json is a valid orchestrator-only config", () => {
  const config = load("config/orchestrator.example.json");
  expect(config.roles).toEqual(["orchestrator"]);
  expect(config.orchestrators).toHaveLength(1);
  expect(config.orchestrators[0]!.prices.map((p) => p.capability)).toContain("transcode");
  expect(config.orchestrators[0]!.runnerTokens[0]!.length).toBeGreaterThanOrEqual(16);
});

test("config/gateway.example.json is a valid gateway-only config that requires API keys", () => {
  const config = load("config/gateway.example.json");
  expect(config.roles).toEqual(["gateway"]);
  expect(config.gateway.senderPrivateKey).toMatch(/^0x[0-9a-f]{64}$/);
  expect(config.api.keys).toBe("required");
  expect(config.scheduler.reward).toBe(false);
});

test("the environment overrides the file (PORT)", () => {
  const config = loadConfig(
    { LIVEPEER_CONFIG: "config/gateway.example.json", PORT: "9999" },
    { readFile: (p) => readFileSync(p, "utf8") },
  );
  expect(config.port).toBe(9999);
});
