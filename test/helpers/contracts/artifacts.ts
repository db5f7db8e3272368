// The compiled Livepeer protocol contracts used as test fixtures (see scripts/chain/artifacts.ts:
// LIVEPEER_PROTOCOL_ARTIFACTS, else the shared folder beside the checkout). Where neither exists,
// the tests that need them are skipped and say so.

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
