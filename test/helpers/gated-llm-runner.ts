import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Agent, createAgent } from "../../src/node-runner/agent.ts";
import type { Executors } from "../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../src/node-runner/executors.ts";
import { TINY_LLM_FILES, writeTinyLlm } from "./tiny-llm.ts";

// A real node-runner (agent and executors) in the test's process, serving the tiny language model,
// with a gate in its generation loop that the test holds: the streaming tests see a piece arrive
// while the runner waits before its next token, which no answer sent at the end could do.

export const TINY_LLM_MODEL = "test/tiny-llm";

export interface Latch {
  promise: Promise<void>;
  open(): void;
}

export function latch(): Latch {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** The runner's generation gate (executors' beforeGenerateStep). */
export interface Gate {
  /** While set, the runner waits before step 1 (its 2nd token) until it opens. */
  hold: Latch | undefined;
  /** Opened when the runner waits at step 1. */
  waiting: Latch;
  /** The last step the runner reached. */
  step: number;
  /** Steps 2 and later wait until the job is aborted. */
  untilAborted: boolean;
  /** Arms the gate for the next job: held at step 1 (and at step 2 until aborted, if asked). */
  arm(o?: { untilAborted?: boolean }): void;
  /** Lets the runner go on. */
  release(): void;
}

export interface GatedRunner {
  gate: Gate;
  /** Each job the runner executed, settled (with its result or its error) when it ended. */
  executions: Promise<unknown>[];
  agent: Agent;
  stop(): Promise<void>;
}

/** A version-2 manifest holding the tiny LLM (built under `dir`), priced 1 wei per token. */
export function writeTinyLlmManifest(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const folder = writeTinyLlm(join(dir, "tiny-llm"));
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const files = Object.entries(TINY_LLM_FILES).map(([role, name]) => ({
    role,
    path: join(folder, name),
    sha256: sha(join(folder, name)),
  }));
  const manifest = join(dir, "manifest.json");
  writeFileSync(
    manifest,
    JSON.stringify({
      version: 2,
      models: [
        {
          pipeline: "llm",
          modelId: TINY_LLM_MODEL,
          kind: "llm",
          format: "transformers",
          files,
          warm: true,
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
      ],
    }),
  );
  return manifest;
}

/** Starts the gated runner against the edge at `edgeUrl`; resolves once it is registered. */
export async function startGatedLlmRunner(edgeUrl: string, token: string, dir: string): Promise<GatedRunner> {
  const gate: Gate = {
    hold: undefined,
    waiting: latch(),
    step: 0,
    untilAborted: false,
    arm(o = {}) {
      gate.hold = latch();
      gate.waiting = latch();
      gate.untilAborted = o.untilAborted ?? false;
    },
    release() {
      gate.hold?.open();
      gate.hold = undefined;
    },
  };
  const executors: RunnerExecutors = createExecutors({
    modelsManifest: writeTinyLlmManifest(dir),
    onnxBackend: "node",
    async beforeGenerateStep(step, signal) {
      gate.step = step;
      const hold = gate.hold;
      if (step === 1 && hold) {
        gate.waiting.open();
        await hold.promise;
      }
      if (step >= 2 && gate.untilAborted && !signal.aborted) {
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      }
    },
  });
  const executions: Promise<unknown>[] = [];
  const watched: Executors = {
    probe: () => executors.probe(),
    modelsLoaded: async () => (await executors.modelsLoaded?.()) ?? [],
    close: () => executors.close(),
    execute(spec, ctx) {
      const run = executors.execute(spec, ctx);
      executions.push(run.catch((err: unknown) => err));
      return run;
    },
  };
  const agent = createAgent({ edgeUrl, token, executors: watched, pollWaitMs: 1_000 });
  await agent.start();
  return {
    gate,
    executions,
    agent,
    async stop() {
      gate.untilAborted = false;
      gate.release();
      await agent.stop(5_000);
      await executors.close();
    },
  };
}
