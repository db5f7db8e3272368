import type { BlobStore } from "../blobs/blob-store.ts";
import { createLiveEvents, type LiveEvents } from "./live-events.ts";
import { createNotifier, type Notifier } from "./notifier.ts";

/** Process state of the job area, built once at bootstrap: blob store, wake-ups, background runs. */
export interface JobsRuntime {
  blobs: BlobStore;
  notifier: Notifier;
  /** Running jobs' live events (streamed llm chunks), as runners post them. */
  live: LiveEvents;
  /** Consumer jobs this process runs, by id: aborting one gives it up (its client left). */
  cancels: Map<string, AbortController>;
  /** Consumer jobs this process runs in the background, so shutdown and tests can wait for them. */
  background: Set<Promise<void>>;
  /** SHA-256 (hex) of runner tokens that have authenticated a session: token → hash. */
  tokenHashes: Map<string, string>;
}

export function createJobsRuntime(blobs: BlobStore): JobsRuntime {
  return {
    blobs,
    notifier: createNotifier(),
    live: createLiveEvents(),
    cancels: new Map(),
    background: new Set(),
    tokenHashes: new Map(),
  };
}
