import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Address } from "../../../protocol/types.ts";
import { type ErrorCode, isErrorCode, LivepeerError, problemCode } from "../../../wire/errors.ts";
import { type BoundedResponse, fetchBounded, jsonOf } from "../../../wire/fetch-bounded.ts";
import type { JobInput, JobOutputView, WireSpec } from "../../../wire/jobs.ts";
import { capabilityOf, IO_NAME } from "../../../wire/jobs.ts";
import { serviceURL } from "../../../wire/service-uri.ts";
import { consumerAttempts, consumerJobs, consumerOutputs } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { type GoCandidate, invalidateGoInfo } from "../../go-gateway/discovery.ts";
import { METRIC } from "../../metrics.ts";
import {
  isSenderSideFailure,
  reportOrchestratorFailure,
  reportOrchestratorSuccess,
  suspendOrchestrator,
} from "../gateway/discovery.ts";
import { OverreachError } from "../gateway/limits.ts";
import { outboundPolicy } from "../gateway/outbound.ts";
import { type JobPayment, payForJob } from "../gateway/pay.ts";
import { recordPaymentResult } from "../gateway/sender.ts";
import { JobError } from "../jobs/errors.ts";
import { newId } from "../jobs/ids.ts";
import type { LiveSlice } from "../jobs/live-since.ts";
import { waitFor } from "../jobs/notifier.ts";
import { writeTx } from "../jobs/tx.ts";
import { failoverOf, goWireable, runGoAttempt, sentOf } from "./go-attempt.ts";
import { createLiveRelay, type LiveRelay } from "./live-relay.ts";
import { chooseRoute } from "./route.ts";

// The gateway's job flow: record the job, then for up to MAX_ORCHESTRATORS orchestrators:
// select one and pay it (tickets), send the job to its job endpoint, and on success copy the
// outputs into this gateway's blob store; a failure moves on to another orchestrator.

const MAX_ORCHESTRATORS = 3;

export interface ConsumerInput {
  name: string;
  bytes: Uint8Array;
  contentType: string;
}

export interface SubmitInput {
  spec: WireSpec;
  inputs: ConsumerInput[];
  /** Billable units estimated from the request (docs/protocol.md#pricing-and-work-units). */
  units: bigint;
  modelId?: string;
  apiKeyId?: string | null;
  /** An HTTP-pushed stream's segment: go-livepeer sessions are kept per stream across segments. */
  stream?: { manifestId: string; seq: number };
}

export interface ConsumerJobView {
  id: string;
  status: "pending" | "running" | "succeeded" | "failed";
  capability: string;
  orchestrator: string | null;
  /** Wei, decimal: what the orchestrator charged for the work done (the estimate until then). */
  fee: string | null;
  units: string | null;
  price: { pricePerUnit: string; pixelsPerUnit: string } | null;
  tickets: { count: number; faceValue: string | null; ev: string | null };
  /** 0..1 as the orchestrator reports it; 1 once succeeded. */
  progress: number;
  attempts: {
    orchestrator: string;
    /** The orchestrator's own id of this attempt's job, once it queued it. */
    remoteJobId: string | null;
    status: string;
    fee: string;
    tickets: number;
    error: string | null;
  }[];
  engine: string | null;
  data?: unknown;
  error: { code: ErrorCode; message: string } | null;
  timings: Record<string, number>;
  outputs: (JobOutputView & { url: string })[];
  createdAt: string;
  completedAt: string | null;
}

/** Waits for every job this process is still running in the background. */
export async function settleConsumerJobs(deps: Pick<AppDeps, "services">): Promise<void> {
  const { background } = deps.services.jobs;
  while (background.size > 0) await Promise.allSettled([...background]);
}

/** Records a consumer job, stores its inputs and starts it; returns its id at once. */
export async function submitConsumerJob(deps: AppDeps, input: SubmitInput): Promise<string> {
  const id = newId("job");
  const { blobs } = deps.services.jobs;
  const stored: JobInput[] = [];
  for (const i of input.inputs) {
    const blobKey = `consumer/${id}/in/${i.name}`;
    await blobs.put(blobKey, i.bytes, i.contentType);
    stored.push({ name: i.name, blobKey, contentType: i.contentType });
  }
  const now = deps.clock.now();
  await writeTx(deps.db, (tx) =>
    tx.insert(consumerJobs).values({
      id,
      apiKeyId: input.apiKeyId ?? null,
      capability: capabilityOf(input.spec),
      spec: JSON.stringify({ ...input.spec, ...(input.modelId ? { requestedModelId: input.modelId } : {}) }),
      inputs: JSON.stringify(stored),
      status: "pending",
      units: input.units.toString(),
      createdAt: now,
      updatedAt: now,
    }),
  );
  const { background, cancels } = deps.services.jobs;
  const cancel = new AbortController();
  cancels.set(id, cancel);
  const run = runConsumerJob(deps, id, input, cancel.signal).catch((err: unknown) =>
    deps.logger.error("consumer job crashed", { job: id, error: String(err) }),
  );
  background.add(run);
  void run.finally(() => {
    background.delete(run);
    cancels.delete(id);
  });
  return id;
}

/**
 * Gives up on a consumer job this process runs (its client left): the orchestrator's job is
 * cancelled, no other orchestrator is tried, and the job fails JOB_CANCELLED. No-op once it ended.
 */
export function cancelConsumerJob(deps: AppDeps, id: string): void {
  deps.services.jobs.cancels.get(id)?.abort();
}

const CANCELLED = { code: "JOB_CANCELLED", message: "cancelled: the client left" } as const;

interface OrchestratorAnswer {
  id: string;
  status: string;
  fee: string | null;
  engine: string | null;
  units: string | null;
  data?: unknown;
  timings?: Record<string, number>;
  outputs: (JobOutputView & { url: string })[];
  payment?: { accepted: number; errors: unknown[] };
  /** The job's capability token at the orchestrator (polls and output fetches carry it). */
  accessToken?: string | undefined;
}

async function runConsumerJob(
  deps: AppDeps,
  id: string,
  input: SubmitInput,
  cancel: AbortSignal,
): Promise<void> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const tried: Address[] = [];
  let lastError: { code: ErrorCode; message: string } = {
    code: "NO_ORCHESTRATOR",
    message: "no orchestrator tried",
  };
  await update(deps, id, { status: "running" });
  for (let attempt = 1; attempt <= MAX_ORCHESTRATORS; attempt++) {
    if (cancel.aborted) {
      lastError = CANCELLED;
      break;
    }
    let jp: JobPayment;
    const t0 = performance.now();
    const query = {
      capability: capabilityOf(input.spec),
      ...(input.modelId ? { modelId: input.modelId } : {}),
    };
    try {
      const route = await chooseRoute(
        deps,
        query,
        tried,
        goWireable(input.spec, input.modelId),
        input.stream?.manifestId,
      );
      if (route.kind === "go") {
        tried.push(route.candidate.address);
        timings[`attempt${attempt}SelectPayMs`] = performance.now() - t0;
        const done = await attemptGo(deps, id, attempt, route.candidate, input, timings, started, cancel);
        if (done === "succeeded") return;
        lastError = done.error;
        if (done.stop) break;
        continue;
      }
      jp = await payForJob(deps, { ...query, units: input.units }, { exclude: route.exclude });
    } catch (err) {
      // Nobody (else) to send it to: the job failed for the last attempt's reason, if there was one.
      if (tried.length === 0) lastError = errorOf(err, "NO_ORCHESTRATOR");
      break;
    }
    timings[`attempt${attempt}SelectPayMs`] = performance.now() - t0;
    const orchestrator = jp.orchestrator.address;
    tried.push(orchestrator);
    const attemptStarted = deps.clock.now();
    await writeTx(deps.db, async (tx) => {
      await tx.insert(consumerAttempts).values({
        jobId: id,
        attempt,
        orchestrator,
        status: "running",
        fee: jp.fee.toString(),
        tickets: jp.created.tickets,
        ticketsFaceValue: (jp.created.payment.ticketParams.faceValue * BigInt(jp.created.tickets)).toString(),
        ticketsEv: jp.created.totalEv.toString(),
        startedAt: attemptStarted,
      });
      await tx
        .update(consumerJobs)
        .set({
          orchestrator,
          attempts: attempt,
          progress: 0,
          pricePerUnit: jp.price.pricePerUnit.toString(),
          pixelsPerUnit: jp.price.pixelsPerUnit.toString(),
          fee: jp.fee.toString(),
          updatedAt: attemptStarted,
        })
        .where(eq(consumerJobs.id, id));
    });
    const t1 = performance.now();
    let paymentRecorded = false;
    const live = createLiveRelay(deps, id, attempt);
    try {
      const answer = await sendToOrchestrator(deps, jp, input, cancel, {
        live,
        queued: (remoteJobId) =>
          writeTx(deps.db, (tx) =>
            tx
              .update(consumerAttempts)
              .set({ remoteJobId })
              .where(and(eq(consumerAttempts.jobId, id), eq(consumerAttempts.attempt, attempt))),
          ).then(() => undefined),
        progress: (progress) => update(deps, id, { progress }),
      });
      timings[`attempt${attempt}OrchestratorMs`] = performance.now() - t1;
      // The gateway books the fee it computed (units × agreed price); an orchestrator reporting
      // more is refused and suspended, one reporting less (nothing charged) is taken at its word.
      const reported = answer.fee === null ? jp.fee : BigInt(answer.fee);
      const booked = reported < jp.fee ? reported : jp.fee;
      await recordPaymentResult(deps, jp.created, {
        accepted: answer.payment?.accepted ?? jp.created.tickets,
        errors: answer.payment?.errors ?? [],
        charged: booked,
      });
      paymentRecorded = true;
      if (reported > jp.fee) {
        throw new OverreachError(
          `the orchestrator reported a fee of ${reported} wei for work priced at ${jp.fee}`,
          {
            reported: reported.toString(),
            fee: jp.fee.toString(),
          },
        );
      }
      const t2 = performance.now();
      const outputs = await copyOutputs(deps, id, jp.orchestrator.serviceURI, answer);
      timings.fetchOutputsMs = performance.now() - t2;
      timings.totalMs = performance.now() - started;
      if (answer.timings)
        for (const [k, v] of Object.entries(answer.timings)) timings[`orchestrator.${k}`] = v;
      reportOrchestratorSuccess(deps, orchestrator, timings[`attempt${attempt}OrchestratorMs`]);
      await recordSuccess(deps, id, attempt, input, timings, outputs, {
        fee: answer.fee ?? jp.fee.toString(),
        engine: answer.engine,
        data: answer.data,
      });
      return;
    } catch (err) {
      lastError = errorOf(err, "ORCHESTRATOR_FAILED");
      deps.logger.warn("orchestrator failed the job", { job: id, orchestrator, attempt, error: lastError });
      const details = err instanceof LivepeerError ? err.details : undefined;
      const pay = details?.payment as { accepted?: number; errors?: unknown[] } | undefined;
      // A failed job is not debited by the orchestrator: its fee goes back to the gateway's credit.
      if (!paymentRecorded) {
        await recordPaymentResult(deps, jp.created, {
          accepted: pay?.accepted ?? jp.created.tickets,
          errors: pay?.errors ?? [],
          charged: 0n,
        }).catch(() => undefined);
      }
      const senderSide = senderSideRefusal(lastError.code, pay?.errors);
      if (
        err instanceof OverreachError ||
        (err instanceof LivepeerError && err.code === "PEER_URL_REFUSED")
      ) {
        suspendOrchestrator(deps, orchestrator, lastError.code.toLowerCase());
      } else if (!senderSide && !cancel.aborted) {
        reportOrchestratorFailure(deps, orchestrator);
      }
      await writeTx(deps.db, (tx) =>
        tx
          .update(consumerAttempts)
          .set({
            status: "failed",
            error: `${lastError.code}: ${lastError.message}`.slice(0, 2000),
            endedAt: deps.clock.now(),
          })
          .where(and(eq(consumerAttempts.jobId, id), eq(consumerAttempts.attempt, attempt))),
      ).catch(() => undefined);
      // Our own sender cannot pay (unlocking, drained): every orchestrator would refuse it too.
      if (senderSide) break;
      // A client that left, or one that already has pieces of this attempt's answer: no retry.
      if (cancel.aborted) lastError = CANCELLED;
      if (cancel.aborted || live.streamed) break;
    }
  }
  const now = deps.clock.now();
  timings.totalMs = performance.now() - started;
  const stats = await totals(deps, id, 0, "failed", null, now);
  await writeTx(deps.db, (tx) =>
    tx
      .update(consumerJobs)
      .set({
        status: "failed",
        error: lastError.message.slice(0, 4000),
        errorCode: lastError.code,
        timings: JSON.stringify(timings),
        ...stats,
        updatedAt: now,
        completedAt: now,
      })
      .where(eq(consumerJobs.id, id)),
  );
  deps.metrics.inc(METRIC.jobs, { capability: capabilityOf(input.spec), outcome: "failed" });
  deps.services.jobs.notifier.wake(`cjob:${id}`);
}

/**
 * One attempt at a go-livepeer orchestrator, booked like a JSON attempt: the attempt row (its
 * tickets as sent), the job's outcome on success, and go-livepeer's failover step on failure
 * (drop or fail: a failure against the orchestrator; next: none). Returns "succeeded", or the
 * error and whether to stop trying (a spend cap or a sender-side refusal).
 */
async function attemptGo(
  deps: AppDeps,
  id: string,
  attempt: number,
  candidate: GoCandidate,
  input: SubmitInput,
  timings: Record<string, number>,
  started: number,
  cancel: AbortSignal,
): Promise<"succeeded" | { error: { code: ErrorCode; message: string }; stop: boolean }> {
  const orchestrator = candidate.address;
  const startedAt = deps.clock.now();
  await writeTx(deps.db, async (tx) => {
    await tx.insert(consumerAttempts).values({
      jobId: id,
      attempt,
      orchestrator,
      status: "running",
      fee: "0",
      tickets: 0,
      ticketsFaceValue: "0",
      ticketsEv: "0",
      startedAt,
    });
    await tx
      .update(consumerJobs)
      .set({
        orchestrator,
        attempts: attempt,
        progress: 0,
        pricePerUnit: candidate.price.pricePerUnit.toString(),
        pixelsPerUnit: candidate.price.pixelsPerUnit.toString(),
        updatedAt: startedAt,
      })
      .where(eq(consumerJobs.id, id));
  });
  const t1 = performance.now();
  const mark = (set: Partial<typeof consumerAttempts.$inferInsert>) =>
    writeTx(deps.db, (tx) =>
      tx
        .update(consumerAttempts)
        .set(set)
        .where(and(eq(consumerAttempts.jobId, id), eq(consumerAttempts.attempt, attempt))),
    );
  // Streamed pieces go to this job's live log as they arrive, where its /llm stream reads them.
  let pieces = 0;
  const onPiece = (chunk: unknown) => {
    deps.services.jobs.live.append(id, attempt, pieces++, [chunk]);
    deps.services.jobs.notifier.wake(`cjob:${id}`);
  };
  try {
    const out = await runGoAttempt(deps, id, candidate, input, onPiece, cancel);
    timings[`attempt${attempt}OrchestratorMs`] = performance.now() - t1;
    timings.totalMs = performance.now() - started;
    await mark({
      fee: out.fee.toString(),
      tickets: out.sent.tickets,
      ticketsFaceValue: out.sent.faceValue.toString(),
      ticketsEv: out.sent.ev.toString(),
    });
    reportOrchestratorSuccess(deps, orchestrator, timings[`attempt${attempt}OrchestratorMs`]);
    await recordSuccess(deps, id, attempt, input, timings, out.outputs, {
      fee: out.fee.toString(),
      pricePerUnit: out.price.pricePerUnit.toString(),
      pixelsPerUnit: out.price.pixelsPerUnit.toString(),
      engine: out.engine,
      data: out.data,
    });
    return "succeeded";
  } catch (err) {
    const error = errorOf(err, "ORCHESTRATOR_FAILED");
    const step = failoverOf(err);
    deps.logger.warn("go-livepeer orchestrator failed the job", {
      job: id,
      orchestrator,
      attempt,
      step,
      error,
    });
    invalidateGoInfo(deps, candidate.url);
    const senderSide = isSenderSideFailure(error.code);
    if (!senderSide && !cancel.aborted && step !== "next" && error.code !== "GATEWAY_SPEND_LIMIT") {
      reportOrchestratorFailure(deps, orchestrator);
    }
    const sent = sentOf(err);
    await mark({
      status: "failed",
      tickets: sent.tickets,
      ticketsFaceValue: sent.faceValue.toString(),
      ticketsEv: sent.ev.toString(),
      error: `${error.code}: ${error.message}`.slice(0, 2000),
      endedAt: deps.clock.now(),
    }).catch(() => undefined);
    // An app that already has pieces of this answer cannot be given another orchestrator's.
    if (cancel.aborted) return { error: CANCELLED, stop: true };
    return { error, stop: senderSide || pieces > 0 };
  }
}

/** Ticket totals over every attempt; marks the running attempt with its outcome. */
/** What a succeeded attempt sets on the job, beside the status, stats and timings. */
interface SuccessFields {
  fee: string;
  pricePerUnit?: string;
  pixelsPerUnit?: string;
  engine: string | null | undefined;
  data: unknown;
}

/** Stores a succeeded attempt's outputs and the job's final row in one transaction, then wakes its waiters. */
async function recordSuccess(
  deps: AppDeps,
  id: string,
  attempt: number,
  input: SubmitInput,
  timings: Record<string, number>,
  outputs: (typeof consumerOutputs.$inferInsert)[],
  fields: SuccessFields,
): Promise<void> {
  const now = deps.clock.now();
  const stats = await totals(deps, id, attempt, "succeeded", null, now);
  const { data, ...rest } = fields;
  await writeTx(deps.db, async (tx) => {
    if (outputs.length > 0) await tx.insert(consumerOutputs).values(outputs);
    await tx
      .update(consumerJobs)
      .set({
        ...rest,
        status: "succeeded",
        progress: 1,
        data: data === undefined ? null : JSON.stringify(data),
        timings: JSON.stringify(timings),
        ...stats,
        error: null,
        errorCode: null,
        updatedAt: now,
        completedAt: now,
      })
      .where(eq(consumerJobs.id, id));
  });
  deps.metrics.inc(METRIC.jobs, { capability: capabilityOf(input.spec), outcome: "succeeded" });
  deps.metrics.observe(METRIC.jobDuration, (timings.totalMs ?? 0) / 1000);
  deps.services.jobs.notifier.wake(`cjob:${id}`);
}

async function totals(deps: AppDeps, id: string, attempt: number, status: string, _e: null, now: number) {
  return writeTx(deps.db, async (tx) => {
    if (attempt > 0) {
      await tx
        .update(consumerAttempts)
        .set({ status, endedAt: now })
        .where(and(eq(consumerAttempts.jobId, id), eq(consumerAttempts.attempt, attempt)));
    }
    const rows = await tx.select().from(consumerAttempts).where(eq(consumerAttempts.jobId, id));
    let n = 0;
    let face = 0n;
    let ev = 0n;
    for (const r of rows) {
      n += r.tickets;
      face += BigInt(r.ticketsFaceValue);
      ev += BigInt(r.ticketsEv);
    }
    return { tickets: n, ticketsFaceValue: face.toString(), ticketsEv: ev.toString() };
  });
}

function errorOf(err: unknown, fallback: ErrorCode): { code: ErrorCode; message: string } {
  if (err instanceof LivepeerError) return { code: err.code, message: err.message };
  return { code: fallback, message: err instanceof Error ? err.message : String(err) };
}

async function update(
  deps: AppDeps,
  id: string,
  set: Partial<typeof consumerJobs.$inferInsert>,
): Promise<void> {
  await writeTx(deps.db, (tx) =>
    tx
      .update(consumerJobs)
      .set({ ...set, updatedAt: deps.clock.now() })
      .where(eq(consumerJobs.id, id)),
  );
}

/**
 * Whether the orchestrator refused because of this gateway's own sender (its deposit, reserve or
 * an unlock): the code itself, or a payment refusal whose every ticket error is sender-side.
 */
function senderSideRefusal(code: string, errors: unknown[] | undefined): boolean {
  if (isSenderSideFailure(code)) return true;
  if (code !== "PAYMENT_REQUIRED" || !errors || errors.length === 0) return false;
  return errors.every((e) => {
    const c = (e as { code?: unknown } | null)?.code;
    return typeof c === "string" && isSenderSideFailure(c);
  });
}

const AnswerSchema = z.object({
  id: z.string().max(200),
  status: z.string().max(50),
  /** The job's capability token at the orchestrator: polls, output fetches and the cancel carry it. */
  accessToken: z.string().max(200).optional(),
  fee: z
    .string()
    .regex(/^\d{1,78}$/)
    .nullable(),
  engine: z.string().max(200).nullable(),
  units: z
    .string()
    .regex(/^\d{1,78}$/)
    .nullable(),
  data: z.unknown().optional(),
  timings: z.record(z.string(), z.number()).optional(),
  outputs: z
    .array(
      z.object({
        name: z.string().regex(IO_NAME),
        contentType: z.string().max(200),
        size: z.number().int().nonnegative(),
        width: z.number().int().optional(),
        height: z.number().int().optional(),
        durationSec: z.number().optional(),
        url: z.string().max(2048),
      }),
    )
    .max(64),
  payment: z.object({ accepted: z.number().int(), errors: z.array(z.unknown()) }).optional(),
});

/**
 * POST {serviceURI}/v1/orchestrator/jobs?wait=false with the spec, the payment and the input
 * files, then follows the queued job (GET …/jobs/{id}, a long poll that answers when the job ends
 * or its progress moves) until it ends, reporting its id and progress on the way. An orchestrator
 * that answers the POST with the finished job (200) is taken at its word.
 */
async function sendToOrchestrator(
  deps: AppDeps,
  jp: JobPayment,
  input: SubmitInput,
  cancel: AbortSignal,
  report: {
    queued(remoteJobId: string): Promise<void>;
    progress(progress: number): Promise<void>;
    live: LiveRelay;
  },
): Promise<OrchestratorAnswer> {
  const form = new FormData();
  form.set("job", JSON.stringify(input.spec));
  form.set("payment", JSON.stringify(jp.payment));
  for (const i of input.inputs) {
    form.set(i.name, new Blob([i.bytes as Uint8Array<ArrayBuffer>], { type: i.contentType }), i.name);
  }
  // One budget for the whole exchange: submission, the wait, and every poll.
  const signal = AbortSignal.any([AbortSignal.timeout(deps.config.gateway.requestTimeoutMs), cancel]);
  const base = jp.orchestrator.serviceURI;
  const submitted = await callOrchestrator(
    deps,
    base,
    "/v1/orchestrator/jobs",
    new URLSearchParams({ wait: "false" }),
    { method: "POST", body: form, signal },
  );
  if (submitted.status === 200) return answerOf(submitted.body);
  const first = submitted.body as unknown as OrchestratorAnswer & { progress?: number };
  if (typeof first.id !== "string")
    throw new JobError("ORCHESTRATOR_FAILED", "the orchestrator sent no job id");
  const auth: Record<string, string> =
    typeof first.accessToken === "string" ? { authorization: `Bearer ${first.accessToken}` } : {};
  await report.queued(first.id);
  const payment = first.payment;
  let progress = typeof first.progress === "number" ? first.progress : 0;
  try {
    for (;;) {
      const polled = await callOrchestrator(
        deps,
        base,
        `/v1/orchestrator/jobs/${encodeURIComponent(first.id)}`,
        new URLSearchParams({ waitMs: "20000", progress: String(progress), ...report.live.query() }),
        { method: "GET", headers: auth, signal },
      );
      const job = polled.body as unknown as OrchestratorAnswer & {
        progress?: number;
        error?: string | null;
        attempts?: number;
        live?: LiveSlice;
      };
      report.live.take(job);
      if (job.status === "succeeded") {
        return answerOf({ ...job, ...(payment ? { payment } : {}), accessToken: first.accessToken });
      }
      if (job.status === "failed" || job.status === "dead") {
        throw new LivepeerError(
          "JOB_FAILED",
          typeof job.error === "string" ? job.error : "the job failed at the orchestrator",
          { details: { jobId: first.id, ...(payment ? { payment } : {}) } },
        );
      }
      if (typeof job.progress === "number" && job.progress !== progress) {
        progress = job.progress;
        await report.progress(progress);
      }
    }
  } catch (err) {
    // Giving up on a job that may still run there: cancel it, so no runner keeps working for nobody.
    if (!(err instanceof LivepeerError && err.code === "JOB_FAILED"))
      await cancelRemote(deps, base, first.id, auth);
    if (cancel.aborted) throw new JobError(CANCELLED.code, CANCELLED.message);
    throw err;
  }
}

/** Best effort DELETE of a remote job (bounded like an info request); its failure changes nothing here. */
async function cancelRemote(
  deps: AppDeps,
  serviceURI: string,
  remoteJobId: string,
  auth: Record<string, string>,
): Promise<void> {
  const o = deps.config.gateway.outbound;
  try {
    const url = serviceURL(serviceURI, `/v1/orchestrator/jobs/${encodeURIComponent(remoteJobId)}`);
    const res = await fetchBounded(
      url,
      { method: "DELETE", headers: auth },
      { maxBytes: o.answerMaxBytes, timeoutMs: o.infoTimeoutMs, policy: outboundPolicy(deps) },
    );
    deps.logger.info("cancelled the job at the orchestrator", { remoteJobId, status: res.status });
  } catch (err) {
    deps.logger.warn("could not cancel the job at the orchestrator", {
      remoteJobId,
      error: (err as Error).message,
    });
  }
}

/** A finished job's answer, checked against its shape (the fee and outputs are peer input). */
function answerOf(body: Record<string, unknown>): OrchestratorAnswer {
  const parsed = AnswerSchema.safeParse(body);
  if (!parsed.success)
    throw new JobError("ORCHESTRATOR_FAILED", "the orchestrator's answer does not match the schema");
  return parsed.data as OrchestratorAnswer;
}

/**
 * One request to an orchestrator: the URL built from its service URI with URL, the destination
 * checked, the answer bounded; a problem answer becomes a LivepeerError with its code.
 */
async function callOrchestrator(
  deps: AppDeps,
  serviceURI: string,
  path: string,
  query: URLSearchParams,
  init: RequestInit & { signal: AbortSignal },
): Promise<{ status: number; body: Record<string, unknown> }> {
  let url: URL;
  try {
    url = serviceURL(serviceURI, path, query);
  } catch (err) {
    throw new LivepeerError("PEER_URL_REFUSED", (err as Error).message);
  }
  let res: BoundedResponse;
  try {
    res = await fetchBounded(url, init, {
      maxBytes: deps.config.gateway.outbound.answerMaxBytes,
      timeoutMs: deps.config.gateway.requestTimeoutMs,
      policy: outboundPolicy(deps),
    });
  } catch (err) {
    if (init.signal.aborted)
      throw new JobError("JOB_TIMEOUT", "the orchestrator did not finish the job in time");
    throw err;
  }
  const body = jsonOf(res) as Record<string, unknown> | null | undefined;
  if (!res.ok || !body) {
    const code = problemCode(body) ?? "ORCHESTRATOR_FAILED";
    const detail = typeof body?.detail === "string" ? body.detail : `HTTP ${res.status}`;
    const details = (body?.details ?? undefined) as Record<string, unknown> | undefined;
    throw new LivepeerError(code, detail, details ? { details } : undefined);
  }
  return { status: res.status, body };
}

/**
 * An output URL from the orchestrator, resolved against its own service URI with URL (never
 * concatenated) and refused unless it stays at the orchestrator's origin.
 */
export function outputURL(serviceURI: string, href: string): URL {
  const base = serviceURL(serviceURI, "/");
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    throw new LivepeerError("PEER_URL_REFUSED", "output URL does not parse");
  }
  if (url.origin !== base.origin || url.username !== "" || url.password !== "") {
    throw new LivepeerError("PEER_URL_REFUSED", `output URL leaves the orchestrator's origin ${base.origin}`);
  }
  return url;
}

/** Fetches each output from the orchestrator and stores it under this gateway's blob keys. */
async function copyOutputs(deps: AppDeps, id: string, serviceURI: string, answer: OrchestratorAnswer) {
  const { blobs } = deps.services.jobs;
  const o = deps.config.gateway.outbound;
  const rows: (typeof consumerOutputs.$inferInsert)[] = [];
  for (const out of answer.outputs) {
    const res = await fetchBounded(
      outputURL(serviceURI, out.url),
      {
        method: "GET",
        ...(answer.accessToken ? { headers: { authorization: `Bearer ${answer.accessToken}` } } : {}),
      },
      { maxBytes: o.outputMaxBytes, timeoutMs: o.outputTimeoutMs, policy: outboundPolicy(deps) },
    );
    if (!res.ok) throw new JobError("ORCHESTRATOR_FAILED", `output ${out.name}: HTTP ${res.status}`);
    const blobKey = `consumer/${id}/out/${out.name}`;
    await blobs.put(blobKey, res.bytes, out.contentType);
    rows.push({
      jobId: id,
      name: out.name,
      blobKey,
      contentType: out.contentType,
      size: res.bytes.byteLength,
      width: out.width ?? null,
      height: out.height ?? null,
      durationSec: out.durationSec ?? null,
    });
  }
  return rows;
}

/** The job as consumers see it (GET /v1/jobs/{id}); null when unknown. */
export async function getConsumerJob(deps: AppDeps, id: string): Promise<ConsumerJobView | null> {
  const row = await deps.db.query.consumerJobs.findFirst({ where: eq(consumerJobs.id, id) });
  if (!row) return null;
  const [attempts, outputs] = await Promise.all([
    deps.db
      .select()
      .from(consumerAttempts)
      .where(eq(consumerAttempts.jobId, id))
      .orderBy(asc(consumerAttempts.attempt)),
    deps.db
      .select()
      .from(consumerOutputs)
      .where(eq(consumerOutputs.jobId, id))
      .orderBy(asc(consumerOutputs.id)),
  ]);
  return {
    id: row.id,
    status: row.status as ConsumerJobView["status"],
    capability: row.capability,
    orchestrator: row.orchestrator,
    fee: row.fee,
    units: row.units,
    price:
      row.pricePerUnit !== null && row.pixelsPerUnit !== null
        ? { pricePerUnit: row.pricePerUnit, pixelsPerUnit: row.pixelsPerUnit }
        : null,
    tickets: { count: row.tickets, faceValue: row.ticketsFaceValue, ev: row.ticketsEv },
    progress: row.progress,
    attempts: attempts.map((a) => ({
      orchestrator: a.orchestrator,
      remoteJobId: a.remoteJobId,
      status: a.status,
      fee: a.fee,
      tickets: a.tickets,
      error: a.error,
    })),
    engine: row.engine,
    ...(row.data === null ? {} : { data: JSON.parse(row.data) as unknown }),
    error: row.errorCode
      ? { code: isErrorCode(row.errorCode) ? row.errorCode : "JOB_FAILED", message: row.error ?? "" }
      : null,
    timings: row.timings ? (JSON.parse(row.timings) as Record<string, number>) : {},
    outputs: outputs.map((o) => ({
      name: o.name,
      contentType: o.contentType,
      size: o.size,
      ...(o.width === null ? {} : { width: o.width }),
      ...(o.height === null ? {} : { height: o.height }),
      ...(o.durationSec === null ? {} : { durationSec: o.durationSec }),
      url: `/v1/jobs/${row.id}/outputs/${encodeURIComponent(o.name)}`,
    })),
    createdAt: new Date(row.createdAt).toISOString(),
    completedAt: row.completedAt === null ? null : new Date(row.completedAt).toISOString(),
  };
}

/** Waits until the job is finished or the timeout passes; returns it as it stands. */
export async function waitForConsumerJob(
  deps: AppDeps,
  id: string,
  timeoutMs: number,
  signal?: AbortSignal,
  until: (job: ConsumerJobView) => boolean = (job) => job.status === "succeeded" || job.status === "failed",
): Promise<ConsumerJobView> {
  return waitFor(
    { notifier: deps.services.jobs.notifier, clock: deps.clock },
    `cjob:${id}`,
    async () => {
      const job = await getConsumerJob(deps, id);
      if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${id}`);
      return job;
    },
    until,
    timeoutMs,
    signal,
  );
}

/** The bytes of one output of a consumer job. */
export async function consumerOutput(
  deps: AppDeps,
  id: string,
  name: string,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const rows = await deps.db.select().from(consumerOutputs).where(eq(consumerOutputs.jobId, id));
  const row = rows.find((r) => r.name === name);
  if (!row) throw new JobError("OUTPUT_NOT_FOUND", `job ${id} has no output ${name}`);
  const bytes = await deps.services.jobs.blobs.get(row.blobKey);
  if (!bytes) throw new JobError("OUTPUT_NOT_FOUND", `output ${name} is missing from the blob store`);
  return { bytes, contentType: row.contentType };
}
