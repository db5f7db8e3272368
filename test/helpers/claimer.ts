// A child process standing in for a second edge: prints "ready", waits for a line on stdin so
// that both claimers start together, claims jobs from the shared database until none is left,
// and prints the claimed ids as one JSON line. argv: dbUrl runnerName
import { dirname } from "node:path";
import { leaseJob } from "../../src/edge/services/jobs/queue.ts";
import { jobsTestEnv, ORCH_ADDRESS } from "./jobs.ts";

const [dbUrl, name] = process.argv.slice(2) as [string, string];
const env = await jobsTestEnv({ database: { url: dbUrl } }, { dir: dirname(dbUrl.slice("file:".length)) });
console.log("ready");
for await (const _ of console) break;
const claimed: string[] = [];
let empty = 0;
while (empty < 3) {
  const lease = await leaseJob(env.deps, {
    runnerId: name,
    orchestrator: ORCH_ADDRESS,
    capabilities: ["noop"],
  });
  if (lease) {
    claimed.push(lease.job.id);
    empty = 0;
    // A runner works between leases; without a pause one process can starve the other's retries.
    await Bun.sleep(3);
  } else {
    empty++;
    await Bun.sleep(20);
  }
}
console.log(JSON.stringify(claimed));
env.close();
