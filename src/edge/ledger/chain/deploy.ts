// Deploys the Livepeer protocol contracts from compiled artifacts and wires them as the protocol's
// own deployment does: Controller registry, ManagerProxy in front of each upgradeable target,
// parameters set through the proxies, token roles, then unpause.
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  concatHex,
  encodeAbiParameters,
  type Hex,
  keccak256,
  type PublicClient,
  type Transport,
  toHex,
  type WalletClient,
} from "viem";

/** One compiled contract: ABI, creation code, and the library link offsets in it. */
export interface ContractArtifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

export const PROTOCOL_CONTRACTS = [
  "Controller",
  "Minter",
  "LivepeerToken",
  "TicketBroker",
  "BondingManager",
  "BondingVotes",
  "RoundsManager",
  "ServiceRegistry",
  "Treasury",
  "DummyL2LPTDataCache",
  "ManagerProxy",
  "SortedDoublyLL",
] as const;
export type ProtocolContractName = (typeof PROTOCOL_CONTRACTS)[number];
export type ProtocolArtifacts = Record<ProtocolContractName, ContractArtifact>;

/** The proxied contracts, in deployment order. */
const PROXIED = [
  "TicketBroker",
  "BondingManager",
  "BondingVotes",
  "RoundsManager",
  "ServiceRegistry",
] as const;

export interface ProtocolParams {
  inflation: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  unbondingPeriod: bigint;
  numActiveTranscoders: bigint;
  treasuryRewardCutRate: bigint;
  treasuryBalanceCeiling: bigint;
  roundLength: bigint;
  roundLockAmount: bigint;
  unlockPeriod: bigint;
  ticketValidityPeriod: bigint;
}

/** Arbitrum One's values. */
export const ARBITRUM_PARAMS: ProtocolParams = {
  inflation: 220500n,
  inflationChange: 500n,
  targetBondingRate: 500000000n,
  unbondingPeriod: 7n,
  numActiveTranscoders: 100n,
  treasuryRewardCutRate: 10n ** 26n,
  treasuryBalanceCeiling: 750_000n * 10n ** 18n,
  roundLength: 5760n,
  roundLockAmount: 100000n,
  unlockPeriod: 2n,
  ticketValidityPeriod: 2n,
};

export interface DeployedProtocol {
  /** Controller-registered name → address (proxies under the plain name). */
  addresses: Record<
    "Controller" | "Minter" | "LivepeerToken" | "Treasury" | (typeof PROXIED)[number],
    Address
  >;
  /** The ABI to call each address with (a proxy is called with its target's ABI). */
  abis: Record<ProtocolContractName, Abi>;
}

type Wallet = WalletClient<Transport, Chain, Account>;

export const contractId = (name: string): Hex => keccak256(toHex(name));
const GIT_COMMIT = `0x${"00".repeat(20)}` as Hex;

/** Writes each library address into the creation code at its link offsets. */
export function linkBytecode(a: ContractArtifact, libraries: Record<string, Address>): Hex {
  let code = a.bytecode.slice(2);
  for (const libs of Object.values(a.linkReferences)) {
    for (const [lib, refs] of Object.entries(libs)) {
      const addr = libraries[lib];
      if (addr === undefined) throw new Error(`${a.contractName}: library ${lib} not deployed`);
      for (const r of refs) {
        code =
          code.slice(0, r.start * 2) + addr.slice(2).toLowerCase() + code.slice((r.start + r.length) * 2);
      }
    }
  }
  return `0x${code}`;
}

/**
 * Deploys and wires the protocol; `genesis` balances are minted before the deployer gives up its
 * minter role. Every transaction is sent by `wallet` (the Controller's owner) and awaited.
 */
export async function deployProtocol(
  artifacts: ProtocolArtifacts,
  wallet: Wallet,
  client: PublicClient,
  params: ProtocolParams,
  genesis: { address: Address; lpt: bigint }[],
): Promise<DeployedProtocol> {
  const deployer = wallet.account.address;
  const wait = async (hash: Hex) => {
    const r = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (r.status !== "success") throw new Error(`deploy transaction ${hash} reverted`);
    return r;
  };
  const create = async (name: ProtocolContractName, args: readonly unknown[] = [], code?: Hex) => {
    const a = artifacts[name];
    const ctor = a.abi.find((x) => x.type === "constructor");
    const encoded =
      ctor && ctor.type === "constructor" && ctor.inputs.length > 0
        ? encodeAbiParameters(ctor.inputs, args)
        : "0x";
    const hash = await wallet.sendTransaction({ data: concatHex([code ?? a.bytecode, encoded]) } as never);
    const r = await wait(hash);
    if (!r.contractAddress) throw new Error(`${name} was not created`);
    return r.contractAddress;
  };
  const call = async (address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
    wait(await wallet.writeContract({ address, abi, functionName, args } as never));

  const controller = await create("Controller");
  const cAbi = artifacts.Controller.abi;
  const register = (name: string, addr: Address) =>
    call(controller, cAbi, "setContractInfo", [contractId(name), addr, GIT_COMMIT]);

  const minter = await create("Minter", [
    controller,
    params.inflation,
    params.inflationChange,
    params.targetBondingRate,
  ]);
  await register("Minter", minter);
  const token = await create("LivepeerToken");
  await register("LivepeerToken", token);

  const proxies = {} as Record<(typeof PROXIED)[number], Address>;
  for (const name of PROXIED) {
    let code: Hex | undefined;
    if (name === "BondingManager") {
      const lib = await create("SortedDoublyLL");
      code = linkBytecode(artifacts.BondingManager, { SortedDoublyLL: lib });
    }
    const target = await create(name, [controller], code);
    const proxy = await create("ManagerProxy", [controller, contractId(`${name}Target`)]);
    await register(`${name}Target`, target);
    await register(name, proxy);
    // The Minter looks the TicketBroker up under its old name.
    if (name === "TicketBroker") await register("JobsManager", proxy);
    proxies[name] = proxy;
  }

  const treasury = await create("Treasury");
  await register("Treasury", treasury);
  await call(treasury, artifacts.Treasury.abi, "initialize", [0n, [], [], deployer]);
  const dataCache = await create("DummyL2LPTDataCache");
  await register("L2LPTDataCache", dataCache);

  const bm = artifacts.BondingManager.abi;
  await call(proxies.BondingManager, bm, "setUnbondingPeriod", [params.unbondingPeriod]);
  await call(proxies.BondingManager, bm, "setNumActiveTranscoders", [params.numActiveTranscoders]);
  await call(proxies.BondingManager, bm, "setTreasuryRewardCutRate", [params.treasuryRewardCutRate]);
  await call(proxies.BondingManager, bm, "setTreasuryBalanceCeiling", [params.treasuryBalanceCeiling]);
  const rm = artifacts.RoundsManager.abi;
  await call(proxies.RoundsManager, rm, "setRoundLength", [params.roundLength]);
  await call(proxies.RoundsManager, rm, "setRoundLockAmount", [params.roundLockAmount]);
  const tb = artifacts.TicketBroker.abi;
  await call(proxies.TicketBroker, tb, "setUnlockPeriod", [params.unlockPeriod]);
  await call(proxies.TicketBroker, tb, "setTicketValidityPeriod", [params.ticketValidityPeriod]);

  const lpt = artifacts.LivepeerToken.abi;
  const MINTER_ROLE = contractId("MINTER_ROLE");
  await call(token, lpt, "grantRole", [MINTER_ROLE, deployer]);
  for (const g of genesis) if (g.lpt > 0n) await call(token, lpt, "mint", [g.address, g.lpt]);
  await call(token, lpt, "revokeRole", [MINTER_ROLE, deployer]);
  await call(token, lpt, "grantRole", [MINTER_ROLE, minter]);
  await call(controller, cAbi, "unpause");

  const abis = {} as Record<ProtocolContractName, Abi>;
  for (const n of PROTOCOL_CONTRACTS) abis[n] = artifacts[n].abi;
  return {
    addresses: {
      Controller: controller,
      Minter: minter,
      LivepeerToken: token,
      Treasury: treasury,
      ...proxies,
    },
    abis,
  };
}
