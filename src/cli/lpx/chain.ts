import {
  BaseError,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import type { LocalAccount } from "viem/accounts";
import type { EdgeClient } from "./edge.ts";
import { CliError, usage } from "./errors.ts";

// Writes on the chain ledger: the edge builds the unsigned transactions (POST /v1/staking/tx/{action}),
// this process signs them with the user's key and sends them to the chain's RPC itself, one after
// the other, each once the one before is mined. The edge never sees the key or a signature.

interface UnsignedTx {
  chainId: number;
  to: Hex;
  data: Hex;
  value: string;
  gas?: string;
  function: string;
}

export interface SentTx {
  function: string;
  hash: Hex;
  block: string;
  gasUsed: string;
}

const short = (e: unknown) => (e instanceof BaseError ? e.shortMessage : (e as Error).message);

async function rpcChainId(client: PublicClient, rpcUrl: string): Promise<number> {
  try {
    return await client.getChainId();
  } catch (e) {
    throw new CliError(`cannot reach the chain RPC at ${rpcUrl} (${short(e)}); set LPX_RPC_URL or --rpc-url`);
  }
}

/** Builds through the edge, signs here, sends to `rpcUrl`, waits for each receipt. */
export async function sendOnChain(
  edge: EdgeClient,
  account: LocalAccount,
  rpcUrl: string | undefined,
  w: { action: string; args: Record<string, string>; summary: string },
): Promise<{ chainId: number; from: string; transactions: SentTx[] }> {
  if (!rpcUrl)
    throw usage("the edge runs the chain ledger: set LPX_RPC_URL (or --rpc-url) to the chain's RPC");
  const built = await edge.post<{ chainId: number; from: string; transactions: UnsignedTx[] }>(
    `/v1/staking/tx/${w.action}`,
    { from: account.address.toLowerCase(), args: w.args },
    w.summary,
  );
  const transport = http(rpcUrl, { retryCount: 0 });
  const client = createPublicClient({ transport, pollingInterval: 250 }) as PublicClient;
  const chainId = await rpcChainId(client, rpcUrl);
  if (chainId !== built.chainId) {
    throw new CliError(
      `the RPC at ${rpcUrl} serves chain ${chainId}, the edge's ledger is chain ${built.chainId}`,
    );
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const wallet = createWalletClient({ account, chain, transport });
  const sent: SentTx[] = [];
  for (const tx of built.transactions) {
    let hash: Hex;
    try {
      // Nonce, fees and gas come from the RPC (the edge's estimate is for display only).
      hash = await wallet.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
    } catch (e) {
      throw new CliError(`${tx.function} not sent: ${short(e)}`);
    }
    const r = await client.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new CliError(`${tx.function} reverted when mined (tx ${hash})`);
    sent.push({
      function: tx.function,
      hash,
      block: r.blockNumber.toString(),
      gasUsed: r.gasUsed.toString(),
    });
  }
  return { chainId, from: built.from, transactions: sent };
}
