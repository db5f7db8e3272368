import { afterEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { rawAll, rawRun } from "../../../src/edge/db/raw.ts";
import { queueJobs } from "../../../src/edge/db/schema/jobs.ts";
import { completeJob, enqueueJob, leaseJob } from "../../../src/edge/services/jobs/queue.ts";
import { JOB_COLUMNS, jobRowOf } from "../../../src/edge/services/jobs/queue-rows.ts";
import { imageJob, type JobsTestEnv, jobsTestEnv, ORCH_ADDRESS } from "../../helpers/jobs.ts";

let env: JobsTestEnv | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

const SENDER = "0x00000000000000000000000000000000000000aa";

describe("plain-SQL access to the queue", () => {
  test("a queue_jobs row read by hand equals drizzle's reading of it, in every state", async () => {
    env = await jobsTestEnv();
    const { deps } = env;
    const job = await enqueueJob(deps, {
      orchestrator: ORCH_ADDRESS,
      spec: imageJob("image-classification", "tiny"),
      inputs: [{ name: "image", blobKey: "k", contentType: "image/png" }],
      sender: SENDER,
      price: { pricePerUnit: 3n, pixelsPerUnit: 1n },
    });
    const same = async () => {
      const byDrizzle = (await deps.db.select().from(queueJobs).where(eq(queueJobs.id, job.id)))[0];
      const byHand = (
        await rawAll(deps.db, `select ${JOB_COLUMNS} from queue_jobs where id = ?`, [job.id])
      )[0];
      expect(byDrizzle).toBeDefined();
      expect(jobRowOf(byHand!)).toEqual(byDrizzle!);
      return byDrizzle!;
    };
    expect((await same()).status).toBe("queued");
    const lease = await leaseJob(deps, {
      runnerId: "r1",
      orchestrator: ORCH_ADDRESS,
      capabilities: ["image-classification"],
    });
    expect(lease?.job).toEqual({
      ...job,
      status: "leased",
      attempts: 1,
      leaseRunner: "r1",
      leaseExpiresAt: lease!.leaseExpiresAt,
    });
    const leased = await same();
    expect([leased.status, leased.leaseRunner, leased.pricePerUnit]).toEqual(["leased", "r1", "3"]);
    await completeJob(deps, {
      jobId: job.id,
      attempt: 1,
      runnerId: "r1",
      result: { engine: "t", units: "5", timings: {} },
    });
    const done = await same();
    expect([done.status, done.fee, done.progress, done.leaseRunner]).toEqual(["succeeded", "15", 1, null]);
  });

  test("plain SQL inside a drizzle transaction is part of it (rolled back with it)", async () => {
    env = await jobsTestEnv();
    const { deps } = env;
    const boom = new Error("roll back");
    await expect(
      deps.db.transaction(
        async (tx) => {
          await rawRun(
            tx,
            "insert into runners (id, token_hash, orchestrator, capabilities, serves, capacity, registered_at, last_seen_at) values ('rx', 'h', 'o', '{}', '[]', 1, 0, 0)",
          );
          expect(await rawAll(tx, "select id from runners where id = 'rx'")).toHaveLength(1);
          throw boom;
        },
        { behavior: "immediate" },
      ),
    ).rejects.toBe(boom);
    expect(await rawAll(deps.db, "select id from runners where id = 'rx'")).toHaveLength(0);
  });
});
