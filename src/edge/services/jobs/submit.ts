import { LivepeerError } from "../../../wire/errors.ts";
import { capabilityOf, type JobInput, type WireSpec } from "../../../wire/jobs.ts";
import type { Payment } from "../../../wire/payment.ts";
import type { AppDeps } from "../../deps.ts";
import { acceptPayment } from "../tickets/accept.ts";
import { creditLimitFor, getBalance } from "../tickets/balance.ts";
import { findHosted } from "../tickets/hosted.ts";
import { checkExpectedPrice } from "../tickets/price.ts";
import { JobError } from "./errors.ts";
import { expectedFee } from "./expected-fee.ts";
import { newId } from "./ids.ts";
import { enqueueJob, type QueueJobView, waitForJob } from "./queue.ts";

export interface SubmitJobInput {
  spec: WireSpec;
  payment: Payment;
  /** The inputs the spec names, by name. */
  files: { name: string; bytes: Uint8Array; contentType: string }[];
  /** The gateway's request: the wait for the result ends when it hangs up. */
  signal?: AbortSignal;
  /** false: return as soon as the job is queued (the gateway follows it by id). Default true. */
  wait?: boolean;
}

/** What became of the payment, as the gateway is told (decimal wei). */
export interface PaymentSummary {
  accepted: number;
  won: number;
  credit: string;
  balance: string;
  errors: { senderNonce: string; code: string; message: string }[];
}

export interface SubmittedJob {
  /** The job, finished (status "succeeded"), or just queued when `wait` was false. */
  job: QueueJobView;
  payment: PaymentSummary;
}

/**
 * The orchestrator's paid job: checks that the payment's pinned price covers this capability,
 * counts the job's expected fee from its inputs (media limits included), credits the payment's
 * tickets, checks that the balance covers that fee, stores the inputs, queues the job for a runner and waits up to
 * `jobs.syncTimeoutMs` for it to succeed (or not at all, with `wait: false`). The work done is debited from the sender's balance when
 * the runner's result is recorded. Throws PAYMENT_PRICE_TOO_LOW / CAPABILITY_NOT_FOUND (nothing
 * credited), PAYMENT_REQUIRED (no valid ticket, or a debt beyond the credit limit), JOB_FAILED or
 * JOB_TIMEOUT (with the job id and the payment's result in the details).
 *
 * @example
 * const { job, payment } = await submitJob({ deps, input: { spec, payment, files } });
 */
export async function submitJob({
  deps,
  input,
}: {
  deps: AppDeps;
  input: SubmitJobInput;
}): Promise<SubmittedJob> {
  const { spec, payment } = input;
  await refuseUnderpriced(deps, spec, payment);
  // Counted before any ticket is credited: bad or oversized media changes nothing.
  const { fee, probe } = await expectedFee(deps, spec, input.files, payment.expectedPrice);
  const accepted = await acceptPayment(deps, payment);
  const summary: PaymentSummary = {
    accepted: accepted.accepted,
    won: accepted.won,
    credit: accepted.credit.toString(),
    balance: accepted.balance.toString(),
    errors: accepted.errors,
  };
  if (!accepted.orchestrator) {
    throw new JobError("PAYMENT_REQUIRED", "the payment's recipient is not hosted here", {
      details: { payment: summary },
    });
  }
  if (accepted.accepted === 0) {
    throw new JobError("PAYMENT_REQUIRED", "no ticket in the payment was valid", {
      details: { payment: summary },
    });
  }
  // The job's expected fee must be covered before work starts (down to the credit limit); the
  // fee of the work really done is debited when the result is recorded.
  if (accepted.balance - fee < -creditLimitFor(deps, accepted.orchestrator)) {
    throw new JobError("PAYMENT_REQUIRED", "balance does not cover the job's expected fee", {
      details: { payment: summary, expectedFee: fee.toString() },
    });
  }

  const id = newId("ojob");
  const inputs: JobInput[] = [];
  for (const f of input.files) {
    const blobKey = `queue/${id}/in/${f.name}`;
    await deps.services.jobs.blobs.put(blobKey, f.bytes, f.contentType);
    inputs.push({ name: f.name, blobKey, contentType: f.contentType });
  }
  const queued = await enqueueJob(deps, {
    id,
    orchestrator: accepted.orchestrator,
    // The segment's probe goes with the job: the runner starts FFmpeg without probing it again.
    spec: probe && spec.kind === "transcode" ? { ...spec, probe } : spec,
    inputs,
    sender: payment.sender,
    price: payment.expectedPrice,
  });
  deps.logger.info("job accepted", {
    job: id,
    orchestrator: accepted.orchestrator,
    tickets: accepted.accepted,
  });
  if (input.wait === false) return { job: queued, payment: summary };

  const job = await waitForJob(deps, id, deps.config.jobs.syncTimeoutMs, input.signal, undefined, queued);
  if (job.status === "succeeded") return { job, payment: summary };
  if (job.status === "failed" || job.status === "dead") {
    throw new JobError("JOB_FAILED", job.error ?? "job failed", { details: { jobId: id, payment: summary } });
  }
  throw new JobError("JOB_TIMEOUT", "the job did not finish in time", {
    details: { jobId: id, payment: summary },
  });
}

/**
 * The HMAC over the ticket params proves this orchestrator offered `expectedPrice`, not for which
 * capability: a payment pinned below this job's price is refused before any ticket is credited
 * or any job queued (a cheap capability's price must not buy an expensive job). A recipient not
 * hosted here is left to acceptPayment, which refuses it with per-ticket errors.
 */
async function refuseUnderpriced(deps: AppDeps, spec: WireSpec, payment: Payment): Promise<void> {
  const recipient = payment.ticketParams.recipient;
  if (!findHosted(deps, recipient)) return;
  const modelId = spec.kind === "ai" ? spec.modelId : undefined;
  const priced = await checkExpectedPrice(
    deps,
    recipient,
    capabilityOf(spec),
    modelId,
    payment.expectedPrice,
  );
  if (priced.ok) return;
  const balance = await getBalance(deps, recipient, payment.sender);
  throw new LivepeerError(priced.code, priced.message, {
    details: {
      payment: { accepted: 0, won: 0, credit: "0", balance: balance.toString(), errors: [] },
      expectedPrice: {
        pricePerUnit: payment.expectedPrice.pricePerUnit.toString(),
        pixelsPerUnit: payment.expectedPrice.pixelsPerUnit.toString(),
      },
    },
  });
}
