// The compiled Livepeer protocol contracts used as test fixtures. They live in
// test/fixtures/livepeer-protocol (MIT, see its LICENSE); LIVEPEER_PROTOCOL_ARTIFACTS points to
// another folder of the same <Name>.json files.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ContractArtifact,
  PROTOCOL_CONTRACTS,
  type ProtocolArtifacts,
} from "../../../src/edge/ledger/chain/deploy.ts";

export const ARTIFACTS_ENV = "LIVEPEER_PROTOCOL_ARTIFACTS";
const DEFAULT_DIR = join(import.meta.dir, "../../fixtures/livepeer-protocol/artifacts");

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
