import { openAsBlob } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Capabilities } from "../wire/capabilities.ts";
import { type ErrorCode, LivepeerError } from "../wire/errors.ts";
import type { LeaseGrant } from "../wire/jobs.ts";
import { EdgeCallError, EdgeClient } from "./edge-client.ts";
import { createEventSender } from "./event-sender.ts";
import type { Executors, JobSpec } from "./executor.ts";

export interface AgentLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface AgentOptions {
  edgeUrl: string;
  /**
   * Runner token(s). Each token is bound to one orchestrator on the edge; with several, the
   * runner registers once per token and serves all those orchestrators from one capacity.
   */
  token: string | readonly string[];
  executors: Executors;
  /** Jobs run at once, over all orchestrators served. Default: what the executors report. */
  capacity?: number;
  /** Parent of each job's scratch directory. */
  workDir?: string;
  /** Long-poll wait per request. */
  pollWaitMs?: number;
  logger?: AgentLogger;
}

/** One registration: a runner token and the session the edge gave it. */
export interface AgentSession {
  runnerId: string;
  orchestrator: string;
}

export interface Agent {
  /**
   * Probes, registers once per token and starts pulling; resolves once every token is
   * registered. `runnerId`/`orchestrator` are the first session's.
   */
  start(): Promise<AgentSession & { sessions: AgentSession[]; capabilities: Capabilities }>;
  /**
   * Stops pulling and lets running jobs finish for up to graceMs; jobs still running then are
   * aborted and their leases released so another runner takes them at once.
   */
  stop(graceMs?: number): Promise<void>;
  /** Jobs running now. */
  readonly running: number;
  /** Jobs finished (completed or failed) since start. */
  readonly finished: number;
}

/** Codes of failures that another attempt cannot fix: the job fails at once. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "INVALID_INPUT",
  "INVALID_MEDIA",
  "MEDIA_TOO_LARGE",
  "JOB_LIMIT_EXCEEDED",
  "UNKNOWN_PIPELINE",
  "MODEL_NOT_FOUND",
]);

const silent: AgentLogger = { info() {}, warn() {}, error() {} };

/** One token's connection to the edge: its own client (token + session id) and long poll. */
interface Binding {
  client: EdgeClient;
  session?: AgentSession;
}

interface Running {
  grant: LeaseGrant;
  client: EdgeClient;
  controller: AbortController;
  /** Set when the abort comes from shutdown: give the lease back instead of failing. */
  releasing: boolean;
  done: Promise<void>;
}

/**
 * The node-runner's pull loop: registers its capabilities with the edge once per runner token
 * (each token is bound to one orchestrator), then keeps one long poll open per token while a
 * slot of the shared `capacity` is free; each lease is run through the executors with
 * heartbeats carrying progress, and its outputs uploaded before the attempt is completed. A
 * lease that arrives when every slot is taken (two polls answered at once) is released at once.
 *
 * @example
 * const agent = createAgent({ edgeUrl, token: [tokenA, tokenB], executors: createExecutors({ capacity: 2 }) });
 * await agent.start();
 * process.on("SIGTERM", () => agent.stop(30_000).then(() => process.exit(0)));
 */
export function createAgent(options: AgentOptions): Agent {
  const log = options.logger ?? silent;
  const tokens = typeof options.token === "string" ? [options.token] : [...new Set(options.token)];
  if (tokens.length === 0) throw new Error("createAgent: at least one runner token is needed");
  const bindings: Binding[] = tokens.map((token) => ({
    client: new EdgeClient({ edgeUrl: options.edgeUrl, token }),
  }));
  const pollWaitMs = options.pollWaitMs ?? 20_000;
  const stopPolling = new AbortController();
  const running = new Map<string, Running>();
  const pollers: Promise<void>[] = [];
  /** Jobs' scratch folders being removed. */
  const cleanups = new Set<Promise<void>>();
  let capabilities: Capabilities | undefined;
  let capacity = 1;
  let free = 0;
  let wakeFree: (() => void)[] = [];
  let leaseMs = 30_000;
  let stopping = false;
  let finished = 0;
  /** The agent's scratch root (jobs' folders go in it), made on the first job. */
  let scratch: Promise<string> | undefined;
  let jobSeq = 0;

  async function register(b: Binding): Promise<AgentSession> {
    capabilities ??= await options.executors.probe();
    if (options.capacity !== undefined) capabilities = { ...capabilities, capacity: options.capacity };
    const r = await b.client.register(capabilities);
    leaseMs = r.leaseMs;
    b.session = { runnerId: r.runnerId, orchestrator: r.orchestrator };
    return b.session;
  }

  /** Resolves once a slot is free (or the agent is stopping). */
  function slotFree(): Promise<void> {
    if (free > 0 || stopping) return Promise.resolve();
    return new Promise((resolve) => wakeFree.push(resolve));
  }

  function wake(): void {
    const waiting = wakeFree;
    wakeFree = [];
    for (const w of waiting) w();
  }

  async function poll(b: Binding): Promise<void> {
    let backoff = 250;
    while (!stopping) {
      await slotFree();
      if (stopping) return;
      let grant: LeaseGrant | null;
      try {
        // Each poll tells the edge which models are loaded now, so it advertises them warm or cold.
        const loaded = await options.executors.modelsLoaded?.().catch(() => undefined);
        grant = await b.client.lease(pollWaitMs, stopPolling.signal, loaded);
        backoff = 250;
      } catch (err) {
        if (stopping) return;
        if (err instanceof EdgeCallError && err.code === "RUNNER_NOT_FOUND") {
          log.warn("edge forgot this runner; registering again", { orchestrator: b.session?.orchestrator });
          await register(b).catch(() => undefined);
        } else {
          log.warn("lease failed", { orchestrator: b.session?.orchestrator, error: String(err) });
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
        continue;
      }
      if (!grant) continue;
      if (stopping || free <= 0) {
        // Every slot is taken (or we are stopping): give the lease back; no failure is counted.
        await b.client.release(grant).catch(() => undefined);
        continue;
      }
      free--;
      const entry: Running = {
        grant,
        client: b.client,
        controller: new AbortController(),
        releasing: false,
        done: Promise.resolve(),
      };
      running.set(grant.jobId, entry);
      entry.done = runJob(entry).finally(() => {
        running.delete(grant.jobId);
        finished++;
        free++;
        wake();
      });
    }
  }

  async function runJob(entry: Running): Promise<void> {
    const { grant, controller, client } = entry;
    const started = performance.now();
    let progress = 0;
    let note: string | undefined;
    let dir: string | undefined;
    const lost = (err: unknown) =>
      err instanceof EdgeCallError && (err.code === "LEASE_LOST" || err.code === "JOB_NOT_FOUND");
    const abandon = () => {
      if (controller.signal.aborted) return;
      log.warn("lease lost; abandoning job", { job: grant.jobId, attempt: grant.attempt });
      controller.abort();
    };
    // Heartbeats extend the lease well before it lapses and carry the latest progress.
    const beat = setInterval(
      () => {
        client.heartbeat(grant, progress, note).catch((err: unknown) => {
          if (lost(err)) abandon();
        });
      },
      Math.max(200, Math.floor(leaseMs / 3)),
    );
    // Live events go up as they come; a refused one (the job was cancelled: its client left) stops
    // the work at once rather than at the next heartbeat.
    const events = createEventSender({
      send: (from, batch) => client.events(grant, from, batch),
      fatal: lost,
      onFatal: abandon,
    });
    try {
      // One scratch root per agent, made on the first job; each job a numbered folder in it, made
      // with its out/ in one call (and in/ only when there are inputs): a temp-name search and
      // three folders a job were a fifth of a no-op job's runner time, all before the executor.
      scratch ??= mkdtemp(join(options.workDir ?? tmpdir(), "lp-runner-")).catch((err: unknown) => {
        scratch = undefined; // the next job tries again
        throw err;
      });
      dir = join(await scratch, String(++jobSeq));
      const inDir = join(dir, "in");
      const outDir = join(dir, "out");
      await mkdir(outDir, { recursive: true });
      if (grant.inputs.length > 0) await mkdir(inDir);
      // Inputs arrive all at once, each streamed to its file as it comes.
      const paths = new Map(grant.inputs.map((input) => [input.name, join(inDir, input.name)]));
      await Promise.all(
        grant.inputs.map((input) => client.downloadTo(input.url, paths.get(input.name)!, controller.signal)),
      );
      const downloaded = performance.now();
      const spec = localSpec(grant, paths);
      const result = await options.executors.execute(spec, {
        workDir: outDir,
        signal: controller.signal,
        onProgress(fraction, n) {
          progress = fraction;
          note = n;
        },
        onEvent: (event) => events.push(event),
      });
      // Every live event reaches the edge before the result that repeats them.
      await events.drain();
      if (controller.signal.aborted) throw new LivepeerError("JOB_ABORTED", "job aborted");
      const executed = performance.now();
      // Outputs go up one after another, in the executor's order (the edge lists a job's outputs
      // in the order they were recorded, and renditions keep their profile order), each streamed
      // from its file (never read whole); the attempt is completed once every one is recorded, so
      // a result never names a missing output.
      for (const out of result.outputs) {
        await client.upload(grant, out.name, await openAsBlob(out.path), {
          contentType: out.contentType,
          ...(out.width === undefined ? {} : { width: out.width }),
          ...(out.height === undefined ? {} : { height: out.height }),
          ...(out.durationSec === undefined ? {} : { durationSec: out.durationSec }),
        });
      }
      const r = await client.complete(grant, {
        engine: result.engine,
        units: result.units.toString(),
        ...(result.data === undefined ? {} : { data: result.data }),
        timings: {
          ...result.timings,
          runnerDownloadMs: downloaded - started,
          runnerExecuteMs: executed - downloaded,
          runnerUploadMs: performance.now() - executed,
        },
      });
      log.info("job completed", { job: grant.jobId, attempt: grant.attempt, duplicate: r.duplicate });
    } catch (err) {
      if (entry.releasing) {
        await client.release(grant).catch(() => undefined);
        log.info("job released on shutdown", { job: grant.jobId, attempt: grant.attempt });
        return;
      }
      const code = err instanceof LivepeerError ? err.code : undefined;
      const message = err instanceof Error ? err.message : String(err);
      const details = err instanceof LivepeerError ? err.details : undefined;
      const tail = typeof details?.stderrTail === "string" ? `\n${details.stderrTail.slice(-2000)}` : "";
      log.warn("job failed", { job: grant.jobId, attempt: grant.attempt, code, error: message });
      await client
        .fail(grant, {
          error: `${message}${tail}`,
          ...(code === undefined ? {} : { code }),
          retryable: !(code !== undefined && PERMANENT.has(code)),
        })
        .catch((e: unknown) => log.warn("could not report failure", { job: grant.jobId, error: String(e) }));
    } finally {
      clearInterval(beat);
      // The slot frees as soon as the edge has the result: the scratch folder goes in the
      // background (stop waits for it), not between this job and the next lease.
      if (dir) {
        const cleanup: Promise<void> = rm(dir, { recursive: true, force: true })
          .catch(() => undefined)
          .finally(() => cleanups.delete(cleanup));
        cleanups.add(cleanup);
      }
    }
  }

  return {
    get running() {
      return running.size;
    },
    get finished() {
      return finished;
    },
    async start() {
      // A retried start registers only the tokens not registered yet.
      for (const b of bindings) if (!b.session) await register(b);
      const sessions = bindings.map((b) => b.session!);
      capacity = Math.max(1, capabilities?.capacity ?? 1);
      free = capacity;
      for (const b of bindings) pollers.push(poll(b));
      for (const s of sessions) {
        log.info("runner registered", { runnerId: s.runnerId, orchestrator: s.orchestrator, capacity });
      }
      return { ...sessions[0]!, sessions, capabilities: capabilities! };
    },
    async stop(graceMs = 30_000) {
      if (stopping) return;
      stopping = true;
      stopPolling.abort();
      wake();
      const all = () => Promise.all([...running.values()].map((e) => e.done));
      const timedOut = await Promise.race([all().then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        for (const e of running.values()) {
          e.releasing = true;
          e.controller.abort();
        }
        await all();
      }
      await Promise.all(pollers);
      await Promise.all(cleanups);
      const root = await scratch?.catch(() => undefined);
      if (root) await rm(root, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** The executors' JobSpec: the wire spec with input names replaced by downloaded paths. */
function localSpec(grant: LeaseGrant, paths: Map<string, string>): JobSpec {
  const spec = grant.spec;
  const path = (name: string) => {
    const p = paths.get(name);
    if (!p) throw new LivepeerError("INVALID_INPUT", `input ${name} was not delivered`);
    return p;
  };
  if (spec.kind === "transcode") {
    return {
      kind: "transcode",
      input: path(spec.input),
      profiles: spec.profiles,
      format: spec.format,
      ...(spec.probe ? { probe: spec.probe } : {}),
    };
  }
  const files: Record<string, string> = {};
  for (const [field, name] of Object.entries(spec.files)) files[field] = path(name);
  return { kind: "ai", pipeline: spec.pipeline, modelId: spec.modelId, files, params: spec.params };
}

// Portable (Bun and Node): the agent also runs inside benches bundled for Node.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
