import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Tables of the job life-cycle. Times are epoch milliseconds; money is a decimal string (bigint).
// Two sides live here: the orchestrator's queue (queue_*, runners) and the gateway's record of
// what consumers asked for (consumer_*, api_keys). Blobs hold the metadata of stored bytes.

/** The orchestrator's job queue: one row per accepted job, leased to one runner at a time. */
export const queueJobs = sqliteTable(
  "queue_jobs",
  {
    id: text("id").primaryKey(),
    orchestrator: text("orchestrator").notNull(),
    /** "transcode" or an AI pipeline name; runners lease only what they registered. */
    capability: text("capability").notNull(),
    /** Wire spec (JSON): the JobSpec with input names in place of local paths. */
    spec: text("spec").notNull(),
    /** JSON array of { name, blobKey, contentType }. */
    inputs: text("inputs").notNull(),
    /** queued | leased | succeeded | failed | dead */
    status: text("status").notNull(),
    /** Leases taken so far; the current attempt's number. */
    attempts: integer("attempts").notNull().default(0),
    /** Attempts that failed or lost their lease; dead letter at maxAttempts. */
    failures: integer("failures").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    visibleAt: integer("visible_at").notNull(),
    leaseRunner: text("lease_runner"),
    leaseExpiresAt: integer("lease_expires_at"),
    progress: real("progress").notNull().default(0),
    progressNote: text("progress_note"),
    /** JSON { engine, units, data, timings } of the winning attempt. */
    result: text("result"),
    error: text("error"),
    /** Who pays (the ticket sender), for debiting the work done. */
    sender: text("sender"),
    /** The price pinned by the payment (wei per pixelsPerUnit units), decimal strings. */
    pricePerUnit: text("price_per_unit"),
    pixelsPerUnit: text("pixels_per_unit"),
    /** Wei debited from the sender for the work done, set when the job succeeds. */
    fee: text("fee"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [
    index("queue_jobs_claim_idx").on(t.orchestrator, t.status, t.visibleAt),
    index("queue_jobs_lease_idx").on(t.status, t.leaseExpiresAt),
  ],
);

/** One lease of a queue job; (job, attempt) is unique so a result is recorded once per attempt. */
export const queueAttempts = sqliteTable(
  "queue_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: text("job_id").notNull(),
    attempt: integer("attempt").notNull(),
    runnerId: text("runner_id").notNull(),
    /** running | succeeded | failed | expired | released */
    status: text("status").notNull(),
    startedAt: integer("started_at").notNull(),
    heartbeatAt: integer("heartbeat_at").notNull(),
    endedAt: integer("ended_at"),
    error: text("error"),
  },
  (t) => [uniqueIndex("queue_attempts_job_attempt_uq").on(t.jobId, t.attempt)],
);

/** Files a runner uploaded for one attempt; the winning attempt's are the job's outputs. */
export const queueOutputs = sqliteTable(
  "queue_outputs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: text("job_id").notNull(),
    attempt: integer("attempt").notNull(),
    name: text("name").notNull(),
    blobKey: text("blob_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    width: integer("width"),
    height: integer("height"),
    durationSec: real("duration_sec"),
  },
  (t) => [uniqueIndex("queue_outputs_job_attempt_name_uq").on(t.jobId, t.attempt, t.name)],
);

/** Node-runner sessions: each registration gets an id; the token is bound to one orchestrator. */
export const runners = sqliteTable(
  "runners",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    orchestrator: text("orchestrator").notNull(),
    /** JSON Capabilities as probed by the runner. */
    capabilities: text("capabilities").notNull(),
    /** Capability names (JSON string array) the runner leases. */
    serves: text("serves").notNull(),
    capacity: integer("capacity").notNull(),
    registeredAt: integer("registered_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [index("runners_orchestrator_idx").on(t.orchestrator)],
);

/** Consumer API keys, stored as SHA-256 hashes; a fixed one-minute window counts requests. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull(),
    /** The first characters of the key, to recognise it in listings. */
    prefix: text("prefix").notNull(),
    name: text("name").notNull(),
    rateLimitPerMinute: integer("rate_limit_per_minute").notNull(),
    windowStart: integer("window_start").notNull().default(0),
    windowCount: integer("window_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.hash)],
);

/** The gateway's record of a consumer's job: what was asked, who did it, what it cost. */
export const consumerJobs = sqliteTable(
  "consumer_jobs",
  {
    id: text("id").primaryKey(),
    apiKeyId: text("api_key_id"),
    /** "transcode" or an AI pipeline name. */
    capability: text("capability").notNull(),
    spec: text("spec").notNull(),
    inputs: text("inputs").notNull(),
    /** pending | running | succeeded | failed */
    status: text("status").notNull(),
    orchestrator: text("orchestrator"),
    /** Units of work priced (pixels for video). */
    units: text("units"),
    pricePerUnit: text("price_per_unit"),
    pixelsPerUnit: text("pixels_per_unit"),
    /** Wei, decimal string. */
    fee: text("fee"),
    tickets: integer("tickets").notNull().default(0),
    ticketsFaceValue: text("tickets_face_value"),
    ticketsEv: text("tickets_ev"),
    attempts: integer("attempts").notNull().default(0),
    /** 0..1, the current attempt's progress as its orchestrator reports it; 1 once succeeded. */
    progress: real("progress").notNull().default(0),
    engine: text("engine"),
    data: text("data"),
    error: text("error"),
    errorCode: text("error_code"),
    /** JSON record of phase durations in ms. */
    timings: text("timings"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [index("consumer_jobs_created_idx").on(t.createdAt)],
);

/** Each try of a consumer job at one orchestrator, with the payment sent. */
export const consumerAttempts = sqliteTable(
  "consumer_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: text("job_id").notNull(),
    attempt: integer("attempt").notNull(),
    orchestrator: text("orchestrator").notNull(),
    /** The orchestrator's id of this attempt's job (GET {serviceURI}/v1/orchestrator/jobs/{id}). */
    remoteJobId: text("remote_job_id"),
    /** running | succeeded | failed */
    status: text("status").notNull(),
    fee: text("fee").notNull(),
    tickets: integer("tickets").notNull(),
    ticketsFaceValue: text("tickets_face_value").notNull(),
    ticketsEv: text("tickets_ev").notNull(),
    error: text("error"),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (t) => [uniqueIndex("consumer_attempts_job_attempt_uq").on(t.jobId, t.attempt)],
);

/** Outputs the gateway fetched from the orchestrator and serves to the consumer. */
export const consumerOutputs = sqliteTable(
  "consumer_outputs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: text("job_id").notNull(),
    name: text("name").notNull(),
    blobKey: text("blob_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    width: integer("width"),
    height: integer("height"),
    durationSec: real("duration_sec"),
  },
  (t) => [uniqueIndex("consumer_outputs_job_name_uq").on(t.jobId, t.name)],
);

/** Metadata of every stored blob (the bytes live in the BlobStore). */
export const blobs = sqliteTable("blobs", {
  key: text("key").primaryKey(),
  size: integer("size").notNull(),
  contentType: text("content_type").notNull(),
  sha256: text("sha256").notNull(),
  createdAt: integer("created_at").notNull(),
});
