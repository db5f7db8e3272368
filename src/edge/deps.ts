import type { LocalAccount } from "viem/accounts";
import type { Address } from "../protocol/types.ts";
import type { TicketVerifier } from "../protocol/verifier.ts";
import type { MediaProbe } from "../wire/media.ts";
import type { EdgeConfig } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { H2Requester } from "./go-gateway/h2.ts";
import type { Ledger } from "./ledger/types.ts";
import type { Metrics } from "./metrics.ts";
import type { PushStreams } from "./services/compat/push-streams.ts";
import type { DiscoveryState } from "./services/gateway/discovery.ts";
import type { JobsRuntime } from "./services/jobs/runtime.ts";
import type { HostedOrchestrator } from "./services/tickets/hosted.ts";
import type { CapabilitySource } from "./services/tickets/info.ts";

/** Wall clock, injected so tests and the devnet can control time. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Key material the edge holds: never a user's key, only its own identities. */
export interface Keys {
  /** Orchestrator identities hosted by this edge, by address. */
  orchestrators: Map<Address, LocalAccount>;
  /**
   * Reward callers by the orchestrator they call reward for (config rewardCallers): the scheduler
   * rewards these orchestrators with rewardForTranscoder, hosted here or not.
   */
  rewardCallers: Map<Address, LocalAccount>;
  /** The gateway's ticket sender, when the gateway role is on. */
  sender: LocalAccount | undefined;
  /** 32-byte secret from which recipientRand is derived (HMAC-SHA256); never leaves the edge. */
  ticketSecret: Uint8Array;
}

/** Counters, histograms and gauges rendered at GET /metrics: declared in metrics.ts. */
export type { Metrics };

/**
 * The services' process state, built once by bootstrap (services/build.ts) and reached only
 * through the deps, never through module-level variables.
 */
export interface Services {
  /** The orchestrator identities this edge hosts, in config order (tickets/hosted.ts). */
  hosted: HostedOrchestrator[];
  /** The job area's blob store, wake-up notifier and background runs (jobs/runtime.ts). */
  jobs: JobsRuntime;
  /** Capabilities the orchestrator info advertises beyond its prices: the attached runners'. */
  capabilities: CapabilitySource;
  /** The gateway's info cache, suspensions and latencies (gateway/discovery.ts). */
  discovery: DiscoveryState;
  /** The HTTP-push streams the gateway has seen, with their profiles (compat/push-streams.ts). */
  push: PushStreams;
  /** This process's id as holder of the scheduler lease. */
  schedulerHolder: string;
}

/** Everything app.ts needs, built once at the entry point and injected. */
export interface AppDeps {
  config: EdgeConfig;
  db: Db;
  ledger: Ledger;
  clock: Clock;
  keys: Keys;
  logger: Logger;
  metrics: Metrics;
  services: Services;
  /**
   * Checks ticket signatures in the payment intake, caching each sender's key. Built once at
   * bootstrap (libsecp256k1 wasm where it loads); without one the intake builds a plain one per payment.
   */
  ticketVerifier?: TicketVerifier;
  /** Reads uploads before a job exists: ffprobe where the entry can spawn it, container headers elsewhere. */
  mediaProbe: MediaProbe;
  /**
   * Counts decoded pixels (Σ w×h per frame) of go-livepeer orchestrators' renditions, to check
   * the counts they claim; where the entry can spawn ffprobe. Without one, counts go unchecked.
   */
  pixelCounter?: (bytes: Uint8Array) => Promise<bigint>;
  /** HTTP/2 to go-livepeer orchestrators (/segment, the AI routes, result downloads). */
  goHttp: H2Requester;
  /** Resolves host names for the gateway's destination check, where the entry can (not on Workers). */
  resolveHost?: (host: string) => Promise<readonly string[]>;
}

/** Hono environment: the deps (services included) are set on the context by one init middleware. */
export interface HonoEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
  };
}
