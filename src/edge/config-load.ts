import { EnvError, readEnv } from "../cli/env.ts";
import { ConfigError, type EdgeConfig, parseConfig } from "./config.ts";
import { EDGE_ENV } from "./env.ts";
import { decryptKeystore, type KeystoreJson } from "./ledger/chain/keystore.ts";

/** Environment as a plain record (process.env, Deno.env.toObject(), a Workers env). */
export type Env = Record<string, string | undefined>;

export interface LoadConfigOptions {
  /** Reads the LIVEPEER_CONFIG file; omit on runtimes without a file system (Workers). */
  readFile?: (path: string) => string;
}

/**
 * Loads the config once at the entry: the optional JSON file, overlaid with the environment,
 * validated by parseConfig. Throws ConfigError with every problem listed.
 *
 * @example
 * const config = loadConfig(process.env, { readFile: (p) => readFileSync(p, "utf8") });
 */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): EdgeConfig {
  // Every variable goes through its row of the table (a bad value is named by its variable);
  // its issues are listed with the config's own.
  let envIssues: string[] = [];
  try {
    readEnv(EDGE_ENV, env);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    envIssues = err.issues;
  }
  let file: Record<string, unknown> = {};
  const path = env.LIVEPEER_CONFIG;
  if (path) {
    if (!options.readFile)
      throw new ConfigError([`LIVEPEER_CONFIG: cannot read files on this runtime (${path})`]);
    let text: string;
    try {
      text = options.readFile(path);
    } catch (err) {
      throw new ConfigError([`LIVEPEER_CONFIG: cannot read ${path}: ${(err as Error).message}`]);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) throw new Error("the top level must be an object");
      file = parsed;
    } catch (err) {
      throw new ConfigError([`LIVEPEER_CONFIG: ${path} is not valid JSON: ${(err as Error).message}`]);
    }
  }
  const keys = keystoreKeys(env, options);
  try {
    const config = parseConfig(deepMerge(file, fromEnv(env, file, keys)));
    if (envIssues.length > 0) throw new ConfigError(envIssues);
    return config;
  } catch (err) {
    if (err instanceof ConfigError && envIssues.length > 0 && err.issues !== envIssues) {
      throw new ConfigError([...envIssues, ...err.issues]);
    }
    throw err;
  }
}

/** The config fragment the environment sets; unset variables leave the file's values alone. */
function fromEnv(env: Env, file: Record<string, unknown>, keys: KeystoreKeys): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (path: string[], value: unknown) => {
    let node = out;
    for (const key of path.slice(0, -1)) {
      node[key] = isRecord(node[key]) ? node[key] : {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  };
  const v = (name: keyof typeof EDGE_ENV) => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const list = (s: string) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);

  if (v("ROLES")) set(["roles"], list(v("ROLES")!));
  if (v("HOST")) set(["host"], v("HOST"));
  if (v("PORT")) set(["port"], v("PORT"));
  if (v("PUBLIC_URL")) set(["publicUrl"], v("PUBLIC_URL"));
  if (v("DATABASE_URL")) set(["database", "url"], v("DATABASE_URL"));
  if (v("DATABASE_AUTH_TOKEN")) set(["database", "authToken"], v("DATABASE_AUTH_TOKEN"));

  const fileLedger = isRecord(file.ledger) ? file.ledger : {};
  const kind = v("LEDGER") ?? (fileLedger.kind as string | undefined) ?? "devnet";
  // A kind switch drops the file's ledger section: the two variants share no fields.
  if (v("LEDGER") && v("LEDGER") !== fileLedger.kind) set(["ledger"], { kind });
  else if (v("LEDGER")) set(["ledger", "kind"], kind);
  if (v("GENESIS_FILE")) set(["ledger", "genesisFile"], v("GENESIS_FILE"));
  if (v("ROUND_SECONDS")) set(["ledger", "roundSeconds"], num(v("ROUND_SECONDS")!));
  if (v("BLOCK_MS")) set(["ledger", "blockMs"], num(v("BLOCK_MS")!));
  if (v("RPC_URL")) set(["ledger", "rpcUrl"], v("RPC_URL"));
  if (v("CHAIN_ID")) set(["ledger", "chainId"], num(v("CHAIN_ID")!));
  if (v("CONTROLLER_ADDRESS")) set(["ledger", "controller"], v("CONTROLLER_ADDRESS"));
  if (v("CONFIRMATIONS")) set(["ledger", "confirmations"], num(v("CONFIRMATIONS")!));
  if (v("REPLACE_AFTER_MS")) set(["ledger", "replaceAfterMs"], num(v("REPLACE_AFTER_MS")!));
  if (v("FROM_BLOCK")) set(["ledger", "fromBlock"], v("FROM_BLOCK"));
  if (v("MAX_FEE_PER_GAS")) set(["ledger", "maxFeePerGas"], v("MAX_FEE_PER_GAS"));
  if (v("MAX_PRIORITY_FEE_PER_GAS")) set(["ledger", "maxPriorityFeePerGas"], v("MAX_PRIORITY_FEE_PER_GAS"));
  if (isRecord(out.ledger) && out.ledger.kind === undefined) out.ledger.kind = kind;

  if (v("TICKET_SECRET")) set(["ticketSecret"], v("TICKET_SECRET"));
  if (v("ORCHESTRATOR_KEYS") || keys.orchestrators.length > 0) {
    const host = v("HOST") ?? (file.host as string | undefined) ?? "127.0.0.1";
    const port = v("PORT") ?? String(file.port ?? 8787);
    const uri = v("PUBLIC_URL") ?? (file.publicUrl as string | undefined) ?? `http://${host}:${port}`;
    set(
      ["orchestrators"],
      [...list(v("ORCHESTRATOR_KEYS") ?? ""), ...keys.orchestrators].map((privateKey) => ({
        privateKey,
        serviceURI: uri,
      })),
    );
  }
  const callers = { ...pairs(v("REWARD_CALLER_KEYS") ?? "", "REWARD_CALLER_KEYS"), ...keys.rewardCallers };
  if (Object.keys(callers).length > 0) {
    const fileCallers = isRecord(file.rewardCallers) ? file.rewardCallers : {};
    set(["rewardCallers"], { ...fileCallers, ...callers });
  }
  if (v("SENDER_PRIVATE_KEY")) set(["gateway", "senderPrivateKey"], v("SENDER_PRIVATE_KEY"));
  if (keys.sender) set(["gateway", "senderPrivateKey"], keys.sender);
  if (v("SCHEDULER")) set(["scheduler", "enabled"], bool(v("SCHEDULER")!));
  if (v("SCHEDULER_INTERVAL_MS")) set(["scheduler", "intervalMs"], num(v("SCHEDULER_INTERVAL_MS")!));
  if (v("BODY_LIMIT_BYTES")) set(["api", "bodyLimitBytes"], num(v("BODY_LIMIT_BYTES")!));
  if (v("ORCH_ADDR")) set(["gateway", "goWire", "orchAddr"], list(v("ORCH_ADDR")!));
  if (v("GO_WIRE_LEDGER_PROBE")) set(["gateway", "goWire", "ledgerProbe"], bool(v("GO_WIRE_LEDGER_PROBE")!));
  if (v("SUSPEND_AFTER_FAILURES"))
    set(["gateway", "suspendAfterFailures"], num(v("SUSPEND_AFTER_FAILURES")!));
  if (v("VISIBILITY_TIMEOUT_MS")) set(["jobs", "visibilityTimeoutMs"], num(v("VISIBILITY_TIMEOUT_MS")!));
  if (v("SYNC_TIMEOUT_MS")) set(["jobs", "syncTimeoutMs"], num(v("SYNC_TIMEOUT_MS")!));
  if (v("API_KEYS")) set(["api", "keys"], v("API_KEYS"));
  if (v("ADMIN_TOKEN")) set(["api", "adminToken"], v("ADMIN_TOKEN"));
  return out;
}

/**
 * ORCHESTRATOR=VALUE pairs, comma-separated (REWARD_CALLER_KEYS, REWARD_CALLER_KEYSTORES). An item
 * without "=" is a config error naming the variable and the item's position, never its text (a key).
 */
function pairs(s: string, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  const items = s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  for (const [i, item] of items.entries()) {
    const at = item.indexOf("=");
    if (at === -1) throw new ConfigError([`${name}: item ${i + 1} is not ORCHESTRATOR=VALUE`]);
    out[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return out;
}

/** Numbers from the environment; a non-number is passed through so zod names the variable's path. */
function num(s: string): number | string {
  const n = Number(s);
  return Number.isFinite(n) && s.trim() !== "" ? n : s;
}

function bool(s: string): boolean | string {
  if (/^(1|true|on|yes)$/i.test(s)) return true;
  if (/^(0|false|off|no)$/i.test(s)) return false;
  return s;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    out[key] = isRecord(prev) && isRecord(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

/** Formats a startup failure for stderr: ConfigError lists its issues, anything else its message. */
export function describeStartupError(err: unknown): string {
  if (err instanceof ConfigError) return `livepeer-edge: ${err.message}`;
  return `livepeer-edge: failed to start: ${err instanceof Error ? err.message : String(err)}`;
}

interface KeystoreKeys {
  orchestrators: string[];
  sender?: string;
  /** Reward-caller keys by orchestrator address. */
  rewardCallers: Record<string, string>;
}

/**
 * Keys from go-livepeer keystore files (ORCHESTRATOR_KEYSTORES, SENDER_KEYSTORE,
 * REWARD_CALLER_KEYSTORES), decrypted with the password in KEYSTORE_PASSWORD_FILE. A failure names
 * the file, never the password or a key.
 */
function keystoreKeys(env: Env, options: LoadConfigOptions): KeystoreKeys {
  const files = (env.ORCHESTRATOR_KEYSTORES ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const senderFile = env.SENDER_KEYSTORE?.trim();
  const callerFiles = pairs(env.REWARD_CALLER_KEYSTORES ?? "", "REWARD_CALLER_KEYSTORES");
  if (files.length === 0 && !senderFile && Object.keys(callerFiles).length === 0)
    return { orchestrators: [], rewardCallers: {} };
  const read = options.readFile;
  if (!read) throw new ConfigError(["keystores: cannot read files on this runtime"]);
  const passwordFile = env.KEYSTORE_PASSWORD_FILE?.trim();
  if (!passwordFile)
    throw new ConfigError(["keystores need KEYSTORE_PASSWORD_FILE (the password, in a file)"]);
  let password: string;
  try {
    password = read(passwordFile).replace(/\r?\n$/, "");
  } catch {
    throw new ConfigError([`KEYSTORE_PASSWORD_FILE: cannot read ${passwordFile}`]);
  }
  const open = (path: string) => {
    let json: KeystoreJson;
    try {
      json = JSON.parse(read(path)) as KeystoreJson;
    } catch {
      throw new ConfigError([`keystore ${path}: cannot read it as JSON`]);
    }
    try {
      return decryptKeystore(json, password);
    } catch (err) {
      throw new ConfigError([`keystore ${path}: ${(err as Error).message}`]);
    }
  };
  return {
    orchestrators: files.map(open),
    ...(senderFile ? { sender: open(senderFile) } : {}),
    rewardCallers: Object.fromEntries(
      Object.entries(callerFiles).map(([orchestrator, path]) => [orchestrator, open(path)]),
    ),
  };
}
