import { afterAll, expect, test } from "bun:test";
import { enqueueJob, jobAttempts } from "../../../src/edge/services/jobs/queue.ts";
import { jobsTestEnv, ORCH_ADDRESS } from "../../helpers/jobs.ts";

// Two edges on one database file: two processes claiming at the same time.
// Every job must be leased exactly once.

const env = await jobsTestEnv();
afterAll(() => env.close());

async function readLine(reader: ReadableStreamDefaultReader<Uint8Array>, buf: { text: string }) {
  const decoder = new TextDecoder();
  while (!buf.text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    buf.text += decoder.decode(value);
  }
  const i = buf.text.indexOf("\n");
  const line = i < 0 ? buf.text : buf.text.slice(0, i);
  buf.text = i < 0 ? "" : buf.text.slice(i + 1);
  return line;
}

test("two edge processes on one database never lease the same job twice", async () => {
  const jobs = 60;
  for (let i = 0; i < jobs; i++) {
    await enqueueJob(env.deps, {
      orchestrator: ORCH_ADDRESS,
      spec: { kind: "ai", pipeline: "noop", modelId: "noop", files: {}, params: { i } },
      inputs: [],
    });
  }
  const helper = new URL("../../helpers/claimer.ts", import.meta.url).pathname;
  const procs = ["edge-a", "edge-b"].map((name) => {
    const proc = Bun.spawn([process.execPath, helper, env.dbUrl, name], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    });
    return { proc, reader: proc.stdout.getReader(), buf: { text: "" } };
  });
  for (const p of procs) expect(await readLine(p.reader, p.buf)).toBe("ready");
  for (const p of procs) {
    p.proc.stdin.write("go\n");
    p.proc.stdin.flush();
  }
  const lines = await Promise.all(procs.map((p) => readLine(p.reader, p.buf)));
  expect(await Promise.all(procs.map((p) => p.proc.exited))).toEqual([0, 0]);
  const [a, b] = lines.map((l) => JSON.parse(l) as string[]) as [string[], string[]];
  const all = [...a, ...b];
  expect(all.length).toBe(jobs);
  expect(new Set(all).size).toBe(jobs);
  for (const id of all) {
    const attempts = await jobAttempts(env.deps, id);
    expect(attempts.length).toBe(1);
    expect(attempts[0]?.runnerId).toBe(a.includes(id) ? "edge-a" : "edge-b");
  }
  // Both processes got work: the claim really was contended.
  expect(a.length > 0 && b.length > 0).toBe(true);
});
