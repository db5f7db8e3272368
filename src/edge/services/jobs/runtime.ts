import { privateKeyToAccount } from "viem/accounts";
import type { AppDeps } from "../../deps.ts";
import type { BlobStore } from "../blobs/blob-store.ts";
import { createBlobStore } from "../blobs/create.ts";
import { createNotifier, type Notifier } from "./notifier.ts";

/** Per-database process state of the job area: the blob store and the wake-up notifier. */
export interface JobsRuntime {
  blobs: BlobStore;
  notifier: Notifier;
  /** Lowercase orchestrator addresses hosted here, from the configuration. */
  orchestrators: Map<string, { address: `0x${string}`; runnerTokens: string[] }>;
}

const runtimes = new WeakMap<object, JobsRuntime>();

/** The runtime for these deps (memoised on the database handle, so every route shares it). */
export function jobsRuntime(deps: AppDeps): JobsRuntime {
  let rt = runtimes.get(deps.db);
  if (!rt) {
    const orchestrators = new Map<string, { address: `0x${string}`; runnerTokens: string[] }>();
    for (const o of deps.config.orchestrators) {
      const address = privateKeyToAccount(o.privateKey).address;
      orchestrators.set(address.toLowerCase(), { address, runnerTokens: o.runnerTokens });
    }
    rt = { blobs: createBlobStore(deps.config.blobs), notifier: createNotifier(), orchestrators };
    runtimes.set(deps.db, rt);
  }
  return rt;
}

/** Installs a runtime explicitly (tests that want a particular blob store). */
export function setJobsRuntime(deps: AppDeps, rt: JobsRuntime): void {
  runtimes.set(deps.db, rt);
}
