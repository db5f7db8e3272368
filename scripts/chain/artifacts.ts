// The compiled Livepeer protocol contracts (<Name>.json: abi, bytecode, linkReferences), read from a
// folder. They are not part of this repository: LIVEPEER_PROTOCOL_ARTIFACTS names the folder, else
// `shared/livepeer-protocol/artifacts` beside the checkout is tried. `npm run chain` and the tests
// that deploy the real contracts read them through here.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ContractArtifact,
  PROTOCOL_CONTRACTS,
  type ProtocolArtifacts,
} from "../../src/edge/ledger/chain/deploy.ts";

export const ARTIFACTS_ENV = "LIVEPEER_PROTOCOL_ARTIFACTS";
const BESIDE_CHECKOUT = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "shared",
  "livepeer-protocol",
  "artifacts",
);

export function artifactsDir(env: Record<string, string | undefined> = process.env): string {
  return env[ARTIFACTS_ENV] || BESIDE_CHECKOUT;
}

/** Why the contracts cannot be deployed from `dir`, or undefined when they can. */
export function artifactsMissingIn(dir: string): string | undefined {
  const absent = PROTOCOL_CONTRACTS.filter((n) => !existsSync(join(dir, `${n}.json`)));
  if (absent.length === 0) return undefined;
  return `protocol artifacts missing in ${dir} (${absent.join(", ")}); set ${ARTIFACTS_ENV} to a folder holding them`;
}

export function loadArtifactsFrom(dir: string): ProtocolArtifacts {
  const out = {} as ProtocolArtifacts;
  for (const n of PROTOCOL_CONTRACTS) {
    out[n] = JSON.parse(readFileSync(join(dir, `${n}.json`), "utf8")) as ContractArtifact;
  }
  return out;
}
