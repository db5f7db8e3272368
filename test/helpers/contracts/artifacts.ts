// The compiled Livepeer protocol contracts used as test fixtures (see scripts/chain/artifacts.ts:
// LIVEPEER_PROTOCOL_ARTIFACTS, else the shared folder beside the checkout). Where neither exists,
// the tests that need them are skipped and say so.

import { toFunctionSelector } from "viem";
import {
  ARTIFACTS_ENV,
  artifactsDir,
  artifactsMissingIn,
  loadArtifactsFrom,
} from "../../../scripts/chain/artifacts.ts";
import type { ProtocolArtifacts } from "../../../src/edge/ledger/chain/deploy.ts";

export { ARTIFACTS_ENV, artifactsDir };

/** Why tests that need the contracts cannot run here, or undefined when they can. */
export function artifactsMissing(): string | undefined {
  return artifactsMissingIn(artifactsDir());
}

export function loadArtifacts(): ProtocolArtifacts {
  return loadArtifactsFrom(artifactsDir());
}

/** A describe title that carries the skip reason, so the run's closing list says why. */
export function titleWithSkipReason(title: string): string {
  return artifactsMissing() === undefined
    ? title
    : `${title} (skipped: protocol artifacts not found; set ${ARTIFACTS_ENV})`;
}

/**
 * Why the delegated reward calling tests cannot run on the real contracts here, or undefined: the
 * artifacts are missing, or their BondingManager predates livepeer/protocol#648 (its bytecode holds
 * no setRewardCaller(address) selector, so the deployed contract has no such function).
 */
export function rewardCallerMissing(): string | undefined {
  const missing = artifactsMissing();
  if (missing) return `protocol artifacts not found; set ${ARTIFACTS_ENV}`;
  const selector = toFunctionSelector("setRewardCaller(address)").slice(2);
  // PUSH4 <selector>: how the dispatcher compares a call's selector.
  if (!loadArtifacts().BondingManager.bytecode.toLowerCase().includes(`63${selector}`)) {
    return `the BondingManager artifact in ${artifactsDir()} predates delegated reward calling (livepeer/protocol#648): its bytecode has no setRewardCaller(address) selector`;
  }
  return undefined;
}
