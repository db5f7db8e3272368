// The compiled Livepeer protocol contracts (the Arbitrum deployment's own compiler inputs) used as
// test fixtures. They are not part of this repository: by default they are read from the
// workspace's shared folder beside the checkout (shared/livepeer-protocol/artifacts), and
// LIVEPEER_PROTOCOL_ARTIFACTS points to any other folder of the same <Name>.json files. Where
// neither exists, the tests that need them are skipped and say so.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ContractArtifact,
  PROTOCOL_CONTRACTS,
  type ProtocolArtifacts,
} from "../../../src/edge/ledger/chain/deploy.ts";

export const ARTIFACTS_ENV = "LIVEPEER_PROTOCOL_ARTIFACTS";
const DEFAULT_DIR = join(import.meta.dir, "..", "..", "..", "..", "shared", "livepeer-protocol", "artifacts");

export function artifactsDir(): string {
  return process.env[ARTIFACTS_ENV] ?? DEFAULT_DIR;
}

/** Why tests that need the contracts cannot run here, or undefined when they can. */
export function artifactsMissing(): string | undefined {
  const dir = artifactsDir();
  const absent = PROTOCOL_CONTRACTS.filter((n) => !existsSync(join(dir, `${n}.json`)));
  if (absent.length === 0) return undefined;
  return `protocol artifacts missing in ${dir} (${absent.join(", ")}); set ${ARTIFACTS_ENV} to a folder holding them`;
}

export function loadArtifacts(): ProtocolArtifacts {
  const dir = artifactsDir();
  const out = {} as ProtocolArtifacts;
  for (const n of PROTOCOL_CONTRACTS) {
    out[n] = JSON.parse(readFileSync(join(dir, `${n}.json`), "utf8")) as ContractArtifact;
  }
  return out;
}

/** A describe title that carries the skip reason, so the run's closing list says why. */
export function titleWithSkipReason(title: string): string {
  return artifactsMissing() === undefined
    ? title
    : `${title} (skipped: protocol artifacts not found; set ${ARTIFACTS_ENV})`;
}
