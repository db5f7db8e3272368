import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Address } from "../../protocol/types.ts";
import { LivepeerError } from "../../wire/errors.ts";
import type { AppDeps } from "../deps.ts";
import { findHosted, type HostedOrchestrator } from "../services/tickets/hosted.ts";
import { AuthTokens } from "./auth-token.ts";
import { ManifestCredit } from "./credit.ts";
import { StreamStore } from "./streams.ts";

/** Σ width × height over every decoded frame of a rendition (exact, as a gateway's decode finds). */
export type PixelCounter = (bytes: Uint8Array) => Promise<bigint>;

/** Everything one go-livepeer wire listener serves with: one hosted orchestrator identity. */
export interface GoWireContext {
  deps: AppDeps;
  hosted: HostedOrchestrator;
  /** The base URL go-livepeer gateways reach this listener at (no trailing slash). */
  serviceUri: string;
  tokens: AuthTokens;
  credit: ManifestCredit;
  streams: StreamStore;
  countPixels: PixelCounter;
}

const AUTH_LABEL = new TextEncoder().encode("livepeer-edge/go-wire/auth-token");

export function goWireContext(input: {
  deps: AppDeps;
  orchestrator?: Address | undefined;
  serviceUri: string;
  countPixels: PixelCounter;
}): GoWireContext {
  const hosted = findHosted(input.deps, input.orchestrator);
  if (!hosted)
    throw new LivepeerError("ORCHESTRATOR_NOT_FOUND", "the go-livepeer wire needs a hosted orchestrator");
  const { deps } = input;
  return {
    deps,
    hosted,
    serviceUri: input.serviceUri.replace(/\/+$/, ""),
    // Derived from the identity's ticket secret: tokens stay valid across restarts.
    tokens: new AuthTokens(hmac(sha256, hosted.recipientSecret, AUTH_LABEL), () => deps.clock.now()),
    credit: new ManifestCredit(),
    streams: new StreamStore(),
    countPixels: input.countPixels,
  };
}
