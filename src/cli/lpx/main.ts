#!/usr/bin/env bun
// lpx / livepeer-edge: the operator's and delegator's command line against a running edge.
// Reads through the protocol API; writes are signed here with the user's key (keystore file or
// environment, never a flag) and sent to the staking API; the key never leaves this process.
import { readFile } from "node:fs/promises";
import { privateKeyToAccount } from "viem/accounts";
import { parseCli } from "../args.ts";
import { type EnvError, readEnv } from "../env.ts";
import { EdgeClient } from "./edge.ts";
import { CLI_ENV } from "./env.ts";
import { CliError, usage } from "./errors.ts";
import { job } from "./job.ts";
import { decryptKeystore } from "./keystore.ts";
import { delegator, orchestrator, orchestrators, round, sender } from "./reads.ts";
import { tail } from "./tail.ts";
import { WRITE_COMMANDS, write } from "./writes.ts";

const COMMANDS = `COMMAND [ARGS]
  round                              the round, its progress and lock
  orchestrators [--next]             the active set (or next round's pool)
  orchestrator ADDRESS               stake, cuts and reward-call history
  delegator ADDRESS                  bond, pending stake and fees, unbonding locks, claim warning
  sender ADDRESS                     a ticket sender's deposit, reserve and unlock
  bond AMOUNT_LPT ORCHESTRATOR       writes, signed with LPX_KEYSTORE or LPX_PRIVATE_KEY;
  unbond AMOUNT_LPT                    on a LEDGER=chain edge, sent to LPX_RPC_URL (--rpc-url);
  rebond LOCK_ID [--to ORCHESTRATOR]   bonding claims first; the claim-timing warning stops
                                       bond/unbond/rebond/claim/withdraw-fees unless --force
  withdraw-stake LOCK_ID
  withdraw-fees AMOUNT_ETH [--recipient ADDRESS]
  claim
  set-cuts REWARD_CUT_% FEE_SHARE_%  orchestrator settings
  set-service-uri URI
  fund DEPOSIT_ETH RESERVE_ETH       sender funding
  unlock | cancel-unlock | withdraw
  job PIPELINE FILE [--model ID]     submit a transcode or AI job, with a progress bar
  tail rewards|jobs [--count N]      follow the node's reward() calls or its jobs`;

const spec = {
  entry: "lpx" as const,
  usage: "lpx COMMAND [ARGS] [--json]",
  summary: "Command line for a Livepeer edge: protocol state, staking writes signed with your own key, jobs.",
  options: {
    json: { type: "boolean" as const },
    next: { type: "boolean" as const },
    to: { type: "string" as const },
    recipient: { type: "string" as const },
    force: { type: "boolean" as const },
    model: { type: "string" as const },
    profiles: { type: "string" as const },
    field: { type: "string" as const },
    interval: { type: "string" as const },
    count: { type: "string" as const },
    "rpc-url": { type: "string" as const },
  },
  optionHelp: {
    json: "print the edge's JSON instead of text",
    next: "orchestrators: next round's pool instead of the active set",
    to: "rebond: the orchestrator to rebond an unbonded delegator to",
    recipient: "withdraw-fees: where the fees go (default: the signer)",
    force: "send a write even when claiming now would skip this round's reward",
    model: "job: the model id",
    profiles: "job transcode: JSON array of renditions (default 144p, 240p, 360p)",
    field: "job: the form field of the file (default segment, image or audio)",
    interval: "job, tail: polling interval in ms (default 1000)",
    count: "tail: stop after this many lines",
    "rpc-url": "writes on a LEDGER=chain edge: the chain's JSON-RPC URL (else LPX_RPC_URL)",
  },
  positionals: COMMANDS,
  env: [CLI_ENV],
};

const out = (text: string) => process.stdout.write(`${text}\n`);

async function account(env: ReturnType<typeof readEnv<typeof CLI_ENV>>) {
  if (env.LPX_KEYSTORE) {
    if (!env.LPX_KEYSTORE_PASSWORD) throw usage("LPX_KEYSTORE is set: set LPX_KEYSTORE_PASSWORD too");
    let text: string;
    try {
      text = await readFile(env.LPX_KEYSTORE, "utf8");
    } catch (err) {
      throw usage(`cannot read the keystore ${env.LPX_KEYSTORE}: ${(err as NodeJS.ErrnoException).code}`);
    }
    return privateKeyToAccount(decryptKeystore(text, env.LPX_KEYSTORE_PASSWORD));
  }
  if (env.LPX_PRIVATE_KEY) return privateKeyToAccount(env.LPX_PRIVATE_KEY);
  throw usage("this command signs: set LPX_KEYSTORE (+ LPX_KEYSTORE_PASSWORD) or LPX_PRIVATE_KEY");
}

function positiveInt(text: string | undefined, what: string, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw usage(`${what} must be a positive whole number`);
  return Number(text);
}

async function main(): Promise<void> {
  const { values, positionals } = parseCli(spec);
  let env: ReturnType<typeof readEnv<typeof CLI_ENV>>;
  try {
    env = readEnv(CLI_ENV, process.env);
  } catch (err) {
    throw usage((err as EnvError).message);
  }
  const edge = new EdgeClient(env.LPX_EDGE_URL, env.LPX_API_KEY);
  const [command, ...args] = positionals;
  const json = values.json === true;
  const interval = positiveInt(values.interval, "--interval", 1000)!;
  switch (command) {
    case "round":
      return round(edge, json, out);
    case "orchestrators":
      return orchestrators(edge, values.next === true, json, out);
    case "orchestrator":
    case "rewards":
      return orchestrator(edge, args[0], json, out);
    case "delegator":
      return delegator(edge, args[0], json, out);
    case "sender":
      return sender(edge, args[0], json, out);
    case "job":
      return job(
        edge,
        args,
        { model: values.model, profiles: values.profiles, field: values.field, interval },
        json,
        out,
        process.stderr,
      );
    case "tail":
      return tail(edge, args[0], { interval, count: positiveInt(values.count, "--count") }, json, out);
    case undefined:
      throw usage("no command given (lpx --help lists them)");
    default:
      if (!WRITE_COMMANDS.includes(command))
        throw usage(`unknown command "${command}" (lpx --help lists them)`);
      return write(
        edge,
        await account(env),
        command,
        args,
        {
          to: values.to,
          recipient: values.recipient,
          force: values.force,
          rpcUrl: values["rpc-url"] ?? env.LPX_RPC_URL,
        },
        json,
        out,
      );
  }
}

main().catch((err: unknown) => {
  if (err instanceof CliError) {
    process.stderr.write(`lpx: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`lpx: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
