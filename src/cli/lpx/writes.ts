import type { LocalAccount } from "viem/accounts";
import { sendOnChain } from "./chain.ts";
import type { EdgeClient } from "./edge.ts";
import { CliError, usage } from "./errors.ts";
import type { Delegator, Out } from "./reads.ts";
import { signRequest } from "./signing.ts";
import { formatAmount, parseAddress, parseAmount, parsePercent, parseWhole } from "./units.ts";

// The write commands: build the action's args from the command line, then on the devnet sign them
// with the user's key (EIP-712, the edge's domain) and POST them to /v1/staking/{action}; on the
// chain ledger sign and send the transactions the edge builds (chain.ts).

export interface WriteOptions {
  to?: string | undefined;
  recipient?: string | undefined;
  force?: boolean | undefined;
  /** The chain's JSON-RPC URL (writes on the chain ledger). */
  rpcUrl?: string | undefined;
}

interface TxResult {
  action: string;
  caller: string;
  ref: string;
  round: string;
  events: { name: string; args: Record<string, string | boolean> }[];
}

/** Actions that claim earnings first, so the claim-timing warning applies to them. */
const CLAIMING = new Set(["bond", "unbond", "rebond", "claimEarnings", "withdrawFees"]);

/** The action and its args for a command, with a human summary. */
export function buildWrite(
  command: string,
  pos: readonly string[],
  o: WriteOptions,
  signer: string,
): { action: string; args: Record<string, string>; summary: string } {
  const need = (n: number, shape: string) => {
    if (pos.length !== n) throw usage(`usage: lpx ${command} ${shape}`);
  };
  switch (command) {
    case "bond": {
      need(2, "AMOUNT_LPT ORCHESTRATOR");
      const amount = parseAmount(pos[0]!, "LPT");
      const to = parseAddress(pos[1], "the orchestrator");
      return {
        action: "bond",
        args: { amount: amount.toString(), to },
        summary: `bond ${formatAmount(amount, "LPT")} to ${to}`,
      };
    }
    case "unbond": {
      need(1, "AMOUNT_LPT");
      const amount = parseAmount(pos[0]!, "LPT");
      return {
        action: "unbond",
        args: { amount: amount.toString() },
        summary: `unbond ${formatAmount(amount, "LPT")}`,
      };
    }
    case "rebond": {
      need(1, "LOCK_ID [--to ORCHESTRATOR]");
      const lockId = parseWhole(pos[0], "the lock id").toString();
      const args: Record<string, string> = { lockId };
      if (o.to) args.to = parseAddress(o.to, "--to");
      return { action: "rebond", args, summary: `rebond lock ${lockId}${o.to ? ` to ${args.to}` : ""}` };
    }
    case "withdraw-stake": {
      need(1, "LOCK_ID");
      const lockId = parseWhole(pos[0], "the lock id").toString();
      return { action: "withdrawStake", args: { lockId }, summary: `withdraw the stake of lock ${lockId}` };
    }
    case "withdraw-fees": {
      need(1, "AMOUNT_ETH [--recipient ADDRESS]");
      const amount = parseAmount(pos[0]!, "ETH");
      const recipient = o.recipient ? parseAddress(o.recipient, "--recipient") : signer.toLowerCase();
      return {
        action: "withdrawFees",
        args: { amount: amount.toString(), recipient },
        summary: `withdraw ${formatAmount(amount, "ETH", 6)} of fees to ${recipient}`,
      };
    }
    case "claim":
      need(0, "");
      return { action: "claimEarnings", args: {}, summary: "claim earnings" };
    case "set-cuts": {
      need(2, "REWARD_CUT_% FEE_SHARE_%");
      const rewardCut = parsePercent(pos[0]!, "the reward cut");
      const feeShare = parsePercent(pos[1]!, "the fee share");
      return {
        action: "transcoder",
        args: { rewardCut: rewardCut.toString(), feeShare: feeShare.toString() },
        summary: `set reward cut ${pos[0]}% and fee share ${pos[1]}%`,
      };
    }
    case "set-service-uri": {
      need(1, "URI");
      let uri: URL;
      try {
        uri = new URL(pos[0]!);
      } catch {
        throw usage(`the service URI must be an absolute URL (got "${pos[0]}")`);
      }
      return {
        action: "setServiceURI",
        args: { uri: uri.toString().replace(/\/$/, "") },
        summary: `publish service URI ${uri}`,
      };
    }
    case "fund": {
      need(2, "DEPOSIT_ETH RESERVE_ETH");
      const deposit = parseAmount(pos[0]!, "ETH", "the deposit");
      const reserve = parseAmount(pos[1]!, "ETH", "the reserve");
      return {
        action: "fundDepositAndReserve",
        args: { deposit: deposit.toString(), reserve: reserve.toString() },
        summary: `fund deposit ${formatAmount(deposit, "ETH", 6)} and reserve ${formatAmount(reserve, "ETH", 6)}`,
      };
    }
    case "unlock":
      need(0, "");
      return { action: "unlock", args: {}, summary: "start the unlock of deposit and reserve" };
    case "cancel-unlock":
      need(0, "");
      return { action: "cancelUnlock", args: {}, summary: "cancel the unlock" };
    case "withdraw":
      need(0, "");
      return { action: "withdraw", args: {}, summary: "withdraw deposit and reserve" };
    default:
      throw usage(`unknown command ${command}`);
  }
}

export const WRITE_COMMANDS = [
  "bond",
  "unbond",
  "rebond",
  "withdraw-stake",
  "withdraw-fees",
  "claim",
  "set-cuts",
  "set-service-uri",
  "fund",
  "unlock",
  "cancel-unlock",
  "withdraw",
];

export async function write(
  edge: EdgeClient,
  account: LocalAccount,
  command: string,
  pos: readonly string[],
  o: WriteOptions,
  json: boolean,
  out: Out,
): Promise<void> {
  const w = buildWrite(command, pos, o, account.address);
  if (CLAIMING.has(w.action) && !o.force) {
    const d = await edge.get<Delegator>(`/v1/protocol/delegators/${account.address.toLowerCase()}`);
    if (d.warning) {
      throw new CliError(`not sent: ${d.warning.message} (--force sends it anyway)`);
    }
  }
  const { ledger, domain } = await edge.get<{ ledger: string; domain: { chainId: number } }>(
    "/dashboard/signing.json",
  );
  if (ledger === "chain") {
    const sent = await sendOnChain(edge, account, o.rpcUrl, w);
    if (json) return out(JSON.stringify({ action: w.action, ...sent }, null, 2));
    out(`${w.summary}: sent from ${sent.from} on chain ${sent.chainId}`);
    for (const t of sent.transactions)
      out(`  ${t.function} tx ${t.hash} (block ${t.block}, gas ${t.gasUsed})`);
    return;
  }
  const signed = await signRequest(account, domain.chainId, w.action, w.args);
  const tx = await edge.post<TxResult>(`/v1/staking/${w.action}`, signed, w.summary);
  if (json) return out(JSON.stringify(tx, null, 2));
  out(`${w.summary}: applied in round ${tx.round} as ${tx.caller} (tx ${tx.ref})`);
  for (const e of tx.events) {
    const args = Object.entries(e.args)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    out(`  ${e.name} ${args}`);
  }
}
