import { describe, expect, test } from "bun:test";
import { llmSseReader } from "../../../src/edge/go-gateway/llm-sse-reader.ts";
import { llmEvents } from "../../../src/edge/services/compat/llm-sse.ts";
import { createLiveEvents } from "../../../src/edge/services/jobs/live-events.ts";
import { createEventSender } from "../../../src/node-runner/event-sender.ts";

// The pieces of live llm streaming that need no network: the edge's per-job event log, the
// runner's ordered event sender, and the gateway's reader of an orchestrator's event stream.

describe("live event log", () => {
  test("a retried post adds only what is new; a later attempt starts over; an earlier one is refused", () => {
    const live = createLiveEvents();
    expect(live.append("j", 1, 0, ["a", "b"])).toBe(2);
    expect(live.append("j", 1, 1, ["b", "c"])).toBe(3);
    // A gap cannot be placed: nothing is added.
    expect(live.append("j", 1, 5, ["x"])).toBe(3);
    expect(live.read("j")).toEqual({ attempt: 1, events: ["a", "b", "c"] });
    expect(live.append("j", 2, 0, ["z"])).toBe(1);
    expect(live.append("j", 1, 3, ["d"])).toBe(0);
    expect(live.read("j")).toEqual({ attempt: 2, events: ["z"] });
    live.drop("j");
    expect(live.read("j")).toBeUndefined();
  });

  test("bounded: a full log stops growing, and the oldest job goes first", () => {
    const live = createLiveEvents({ maxJobs: 2, maxEvents: 2 });
    expect(live.append("a", 1, 0, [1, 2, 3])).toBe(2);
    live.append("b", 1, 0, [1]);
    live.append("c", 1, 0, [1]);
    expect(live.read("a")).toBeUndefined();
    expect(live.read("c")?.events).toEqual([1]);
  });
});

describe("runner event sender", () => {
  test("in order, one post at a time, what comes meanwhile batched; a failed post is retried", async () => {
    const posts: [number, unknown[]][] = [];
    let fail = true;
    let release!: () => void;
    let held = new Promise<void>((r) => {
      release = r;
    });
    const sender = createEventSender({
      async send(from, events) {
        posts.push([from, [...events]]);
        await held;
        if (fail) {
          fail = false;
          throw new Error("edge unreachable");
        }
      },
      fatal: () => false,
      onFatal: () => undefined,
    });
    sender.push(1);
    sender.push(2);
    sender.push(3);
    release();
    held = Promise.resolve();
    await sender.drain();
    // The first post failed; the retry carries it and what came since, from the same index.
    expect(posts).toEqual([
      [0, [1]],
      [0, [1, 2, 3]],
    ]);
    sender.push(4);
    await sender.drain();
    expect(posts.at(-1)).toEqual([3, [4]]);
  });

  test("a fatal refusal stops the sending and is reported once", async () => {
    const fatal: unknown[] = [];
    const sender = createEventSender({
      send: async () => {
        throw new Error("lease lost");
      },
      fatal: () => true,
      onFatal: (err) => fatal.push(err),
    });
    sender.push(1);
    await sender.drain();
    sender.push(2);
    await sender.drain();
    expect(fatal).toHaveLength(1);
  });
});

describe("the gateway's reader of a streamed answer", () => {
  const data = {
    id: "chatcmpl-1",
    model: "m",
    created: 1,
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    choices: [{ index: 0, message: { role: "assistant", content: "Hi!" }, finish_reason: "length" }],
    deltas: ["H", "i!"],
  };

  test("pieces are handed on as their bytes arrive, split anywhere; the answer is put back together", () => {
    const seen: unknown[] = [];
    const reader = llmSseReader((c) => seen.push(c));
    const bytes = new TextEncoder().encode(llmEvents(data));
    const cut = 7;
    reader.push(bytes.slice(0, cut));
    expect(seen).toHaveLength(0);
    reader.push(bytes.slice(cut));
    expect(seen).toHaveLength(2);
    expect(reader.finish()).toEqual(data);
  });

  test("an answer sent as one chunk keeps its text; an error event or a missing last event throws", () => {
    const one = llmSseReader(() => undefined);
    const { deltas: _d, ...whole } = data;
    one.push(new TextEncoder().encode(llmEvents(whole)));
    expect(one.finish()).toMatchObject({
      choices: [{ message: { content: "Hi!" }, finish_reason: "length" }],
    });

    const broken = llmSseReader(() => undefined);
    broken.push(new TextEncoder().encode('data: {"error":{"message":"runner lost"}}\n\n'));
    expect(() => broken.finish()).toThrow("runner lost");
    const cut = llmSseReader(() => undefined);
    cut.push(new TextEncoder().encode(llmEvents(data).split("\n\n")[0]!));
    expect(() => cut.finish()).toThrow(/without its last event/);
  });
});
