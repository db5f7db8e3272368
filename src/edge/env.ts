import { envTable, parse } from "../cli/env.ts";

// The edge's environment variables and those of `npm start` (src/main.ts), which runs the same
// edge. Each overrides the same setting of the JSON file named by LIVEPEER_CONFIG; lists are
// comma-separated. config-load.ts maps them onto the config, which zod then validates.

const EDGE = ["edge", "start"] as const;
const LOG_LEVELS = parse.oneOf("debug", "info", "warn", "error", "silent");

export const EDGE_ENV = envTable({
  LIVEPEER_CONFIG: {
    description: "path of a JSON config file (the shape of EdgeConfigInput)",
    parse: parse.string,
    entries: ["edge"],
  },
  ROLES: { description: "gateway,orchestrator (either or both)", parse: parse.list, entries: ["edge"] },
  HOST: { description: "listen address", default: "127.0.0.1", parse: parse.string, entries: EDGE },
  PORT: {
    description: "listen port (0 picks a free one); the example's edge port",
    default: "8787",
    parse: parse.nonNegativeInt,
    entries: [...EDGE, "example"],
  },
  PUBLIC_URL: { description: "public base URL of this edge", parse: parse.string, entries: ["edge"] },
  DATABASE_URL: {
    description: "libSQL URL: file:…, :memory:, libsql://…",
    parse: parse.string,
    entries: ["edge"],
  },
  DATABASE_AUTH_TOKEN: { description: "libSQL auth token", parse: parse.string, entries: ["edge"] },
  LEDGER: {
    description: "devnet | chain (npm start: chain runs on the chain that npm run chain started)",
    parse: parse.oneOf("devnet", "chain"),
    entries: EDGE,
  },
  GENESIS_FILE: { description: "devnet genesis JSON path", parse: parse.string, entries: EDGE },
  ROUND_SECONDS: {
    description: "devnet round length in seconds (0: rounds advance only on request)",
    parse: parse.nonNegativeInt,
    entries: EDGE,
  },
  BLOCK_MS: { description: "devnet block time in milliseconds", parse: parse.positiveInt, entries: EDGE },
  RPC_URL: {
    description: "chain ledger JSON-RPC URL (LEDGER=chain)",
    parse: parse.string,
    entries: EDGE,
  },
  CHAIN_ID: {
    description: "chain ledger: the chain id the RPC must answer with (any when absent)",
    parse: parse.positiveInt,
    entries: EDGE,
  },
  CONTROLLER_ADDRESS: {
    description: "chain ledger: the protocol's Controller (Arbitrum One's by default)",
    parse: parse.string,
    entries: EDGE,
  },
  CONFIRMATIONS: {
    description: "chain ledger: blocks a receipt must be buried under",
    parse: parse.nonNegativeInt,
    entries: EDGE,
  },
  FROM_BLOCK: {
    description: "chain ledger: first block scanned for protocol events",
    parse: parse.nonNegativeInt,
    entries: EDGE,
  },
  MAX_FEE_PER_GAS: {
    description: "chain ledger: EIP-1559 max fee per gas, wei",
    parse: parse.string,
    entries: EDGE,
  },
  MAX_PRIORITY_FEE_PER_GAS: {
    description: "chain ledger: EIP-1559 max priority fee per gas, wei",
    parse: parse.string,
    entries: EDGE,
  },
  REPLACE_AFTER_MS: {
    description:
      "chain ledger: a write unmined after this long is sent again at its nonce with 12.5% higher fees (0: never; default 120000)",
    parse: parse.nonNegativeInt,
    entries: EDGE,
  },
  TICKET_SECRET: {
    description: "32-byte hex secret for recipientRand (generated and kept in the database when absent)",
    parse: parse.string,
    entries: ["edge"],
  },
  ORCHESTRATOR_KEYS: {
    description: "hosted orchestrator private keys (service URI = PUBLIC_URL)",
    parse: parse.list,
    entries: ["edge"],
  },
  SENDER_PRIVATE_KEY: {
    description: "the gateway's ticket sender key",
    parse: parse.string,
    entries: ["edge"],
  },
  ORCHESTRATOR_KEYSTORES: {
    description:
      "hosted orchestrator keys as go-livepeer keystore files (JSON, Web3 Secret Storage v3), comma-separated; with KEYSTORE_PASSWORD_FILE",
    parse: parse.list,
    entries: ["edge"],
  },
  SENDER_KEYSTORE: {
    description:
      "the gateway's ticket sender key as a go-livepeer keystore file; with KEYSTORE_PASSWORD_FILE",
    parse: parse.string,
    entries: ["edge"],
  },
  REWARD_CALLER_KEYS: {
    description:
      "reward-caller keys as ORCHESTRATOR=KEY pairs, comma-separated: the scheduler calls rewardForTranscoder for each orchestrator with its caller's key (the orchestrator's own key may stay offline)",
    parse: parse.list,
    entries: ["edge"],
  },
  REWARD_CALLER_KEYSTORES: {
    description:
      "reward-caller keys as ORCHESTRATOR=FILE pairs of go-livepeer keystore files, comma-separated; with KEYSTORE_PASSWORD_FILE",
    parse: parse.list,
    entries: ["edge"],
  },
  KEYSTORE_PASSWORD_FILE: {
    description: "file holding the keystores' password (never logged)",
    parse: parse.string,
    entries: ["edge"],
  },
  ORCH_ADDR: {
    description:
      "go-livepeer orchestrators the gateway pays over their wire, like -orchAddr (https://host:port TLS unverified, http://host:port h2c, host:port TLS)",
    parse: parse.list,
    entries: ["edge"],
  },
  GO_WIRE_LEDGER_PROBE: {
    description:
      "on: ledger orchestrators whose service URI does not answer the JSON info are probed with go-livepeer's GetOrchestrator",
    parse: parse.bool,
    entries: ["edge"],
  },
  SCHEDULER: { description: "on | off", parse: parse.bool, entries: ["edge"] },
  SCHEDULER_INTERVAL_MS: { description: "scheduler tick interval", parse: parse.positiveInt, entries: EDGE },
  HTTP_IDLE_TIMEOUT_SEC: {
    description:
      "seconds a connection may send or receive nothing (slow headers or body) before it is closed",
    default: "30",
    parse: parse.positiveInt,
    entries: EDGE,
  },
  BODY_LIMIT_BYTES: { description: "request body size limit", parse: parse.positiveInt, entries: EDGE },
  API_KEYS: {
    description: "required | off (consumers need an API key)",
    parse: parse.oneOf("required", "off"),
    entries: EDGE,
  },
  ADMIN_TOKEN: { description: "admin token for issuing API keys", parse: parse.string, entries: EDGE },
  SUSPEND_AFTER_FAILURES: {
    description: "failed jobs before the gateway suspends an orchestrator",
    parse: parse.positiveInt,
    entries: EDGE,
  },
  VISIBILITY_TIMEOUT_MS: {
    description: "how long a runner's lease holds without a heartbeat",
    parse: parse.positiveInt,
    entries: EDGE,
  },
  SYNC_TIMEOUT_MS: {
    description: "how long a synchronous consumer request waits before answering 202",
    parse: parse.positiveInt,
    entries: EDGE,
  },
  LOG_LEVEL: {
    description: "debug | info | warn | error | silent",
    default: "info",
    parse: LOG_LEVELS,
    entries: EDGE,
  },
  // npm start only: the local network around the edge.
  DATA_DIR: {
    description: "where npm start keeps its data (npm run chain writes chain.json there)",
    default: ".data",
    parse: parse.string,
    entries: ["start", "chain"],
  },
  RUNNERS: {
    description: "node-runner processes to start",
    default: "1",
    parse: parse.nonNegativeInt,
    entries: ["start"],
  },
  RUNNER_ORCHESTRATORS: {
    description: "each runner serves the first N orchestrators",
    default: "3",
    parse: parse.positiveInt,
    entries: ["start"],
  },
  RUNNER_CAPACITY: {
    description: "jobs each runner process runs at once",
    default: "2",
    parse: parse.positiveInt,
    entries: ["start"],
  },
  EXTERNAL_RUNNERS: {
    description:
      "price the first N orchestrators for runners started elsewhere (tokens in DATA_DIR/runner-tokens.json)",
    default: "0",
    parse: parse.nonNegativeInt,
    entries: ["start"],
  },
  GO_WIRE_URI: {
    description:
      "service URI where go-livepeer gateways reach the first orchestrator (https:// TLS, self-signed; http:// h2c; port 0 picks one; off: none)",
    default: "https://127.0.0.1:0",
    parse: parse.string,
    entries: ["start"],
  },
  TICKET_MAX_FACE_VALUE: {
    description: "ticket face value cap in wei (equal to the EV makes every ticket win)",
    parse: parse.string,
    entries: ["start"],
  },
});
