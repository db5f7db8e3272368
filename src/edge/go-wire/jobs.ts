import type { Address } from "../../protocol/types.ts";
import type { WireSpec } from "../../wire/jobs.ts";
import type { PriceInfo } from "../../wire/payment.ts";
import { newId } from "../services/jobs/ids.ts";
import { enqueueJob, jobOutputs, type QueueJobView, waitForJob } from "../services/jobs/queue.ts";
import type { GoWireContext } from "./context.ts";

export interface JobOutcome {
  job: QueueJobView;
  outputs: Awaited<ReturnType<typeof jobOutputs>>;
}

export interface GoJobInput {
  spec: WireSpec;
  files: { name: string; bytes: Uint8Array; contentType: string }[];
  sender: Address;
  manifest: string;
  price: PriceInfo;
  signal?: AbortSignal | undefined;
}

/** Puts one job on this identity's queue for its node-runners; returns its id. */
export async function enqueueGoJob(ctx: GoWireContext, input: GoJobInput): Promise<string> {
  const { deps } = ctx;
  const id = newId("gjob");
  const inputs = [];
  for (const f of input.files) {
    const blobKey = `queue/${id}/in/${f.name}`;
    await deps.services.jobs.blobs.put(blobKey, f.bytes, f.contentType);
    inputs.push({ name: f.name, blobKey, contentType: f.contentType });
  }
  await enqueueJob(deps, {
    id,
    orchestrator: ctx.hosted.address,
    spec: input.spec,
    inputs,
    sender: input.sender,
    price: input.price,
  });
  return id;
}

/**
 * The queue debits the work (units × price) from the sender's balance with the orchestrator when
 * the runner reports; the same fee is debited from the (sender, manifest) credit here, once.
 */
export function debitCredit(ctx: GoWireContext, input: GoJobInput, job: QueueJobView): void {
  if (job.fee !== null) ctx.credit.add(input.sender, input.manifest, -BigInt(job.fee));
}

/** Runs one job on this identity's node-runners through the edge's queue and waits for it. */
export async function runJob(ctx: GoWireContext, input: GoJobInput): Promise<JobOutcome> {
  const { deps } = ctx;
  const id = await enqueueGoJob(ctx, input);
  const job = await waitForJob(deps, id, deps.config.jobs.syncTimeoutMs, input.signal);
  debitCredit(ctx, input, job);
  return { job, outputs: job.status === "succeeded" ? await jobOutputs(deps, id, job) : [] };
}
