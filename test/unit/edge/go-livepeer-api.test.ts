import { describe, expect, test } from "bun:test";
import { goAiBody, llmEvents } from "../../../src/edge/services/compat/ai.ts";
import { goAiError } from "../../../src/edge/services/compat/errors.ts";
import { multipartRenditions } from "../../../src/edge/services/compat/push.ts";
import { profilesFromHeader, TranscodeConfigError } from "../../../src/edge/services/compat/push-profiles.ts";
import {
  createPushStreams,
  MAX_PUSH_STREAMS,
  PUSH_IDLE_MS,
  streamProfiles,
  touchStream,
} from "../../../src/edge/services/compat/push-streams.ts";
import type { ConsumerJobView } from "../../../src/edge/services/consumer/jobs.ts";
import { JobError } from "../../../src/edge/services/jobs/errors.ts";
import { PRESETS } from "../../../src/protocol/profiles.ts";

// The go-livepeer gateway API's pure parts: error bodies, response shapes, the transcode
// configuration header, the multipart answer and the pushed streams' memory.

const job = (over: Partial<ConsumerJobView>): ConsumerJobView => ({
  id: "job_1",
  status: "succeeded",
  capability: "x",
  orchestrator: null,
  fee: null,
  units: null,
  price: null,
  tickets: { count: 0, faceValue: null, ev: null },
  progress: 1,
  attempts: [],
  engine: null,
  error: null,
  timings: {},
  outputs: [],
  createdAt: "",
  completedAt: null,
  ...over,
});

describe("error bodies", () => {
  test("503 and 500 hide the cause behind go-livepeer's fixed texts; 4xx keep theirs", () => {
    expect(goAiError(new JobError("PIPELINE_NOT_ADVERTISED", "no one"))).toEqual({
      status: 503,
      body: { error: { message: "Service Unavailable Error", code: "PIPELINE_NOT_ADVERTISED" } },
    });
    expect(goAiError(new JobError("JOB_FAILED", "boom"))).toEqual({
      status: 500,
      body: { error: { message: "Internal Server Error", code: "JOB_FAILED" } },
    });
    expect(goAiError(new JobError("INVALID_INPUT", "missing required fields"))).toEqual({
      status: 400,
      body: { error: { message: "missing required fields", code: "INVALID_INPUT" } },
    });
    expect(goAiError(new Error("x"))).toEqual({
      status: 500,
      body: { error: { message: "Internal Server Error" } },
    });
  });
});

describe("response shapes", () => {
  const image = { name: "image", contentType: "image/png", size: 3, url: "" };
  test("image routes list their PNG outputs as absolute URLs with the request's seed", () => {
    expect(goAiBody("upscale", job({ outputs: [image] }), "http://gw:9935", { seed: "42" })).toEqual({
      images: [{ url: "http://gw:9935/v1/jobs/job_1/outputs/image", seed: 42, nsfw: false }],
    });
  });
  test("image-to-video answers an ImageResponse whose url is the MP4, with the runner's seed", () => {
    const video = { name: "video", contentType: "video/mp4", size: 3, url: "" };
    const body = goAiBody(
      "image-to-video",
      job({ outputs: [video], data: { images: [{ seed: 9, nsfw: false }] } }),
      "http://gw",
      {},
    );
    expect(body).toEqual({
      images: [{ url: "http://gw/v1/jobs/job_1/outputs/video", seed: 9, nsfw: false }],
    });
    expect(() => goAiBody("image-to-video", job({ outputs: [image] }), "http://gw", {})).toThrow("no video");
  });
  test("a result that cannot take the route's shape is an error, never a made-up answer", () => {
    expect(() => goAiBody("upscale", job({ outputs: [] }), "http://gw", {})).toThrow("no image");
    expect(() => goAiBody("image-to-text", job({ data: {} }), "http://gw", {})).toThrow("no text");
    expect(() => goAiBody("llm", job({ data: { text: "x" } }), "http://gw", {})).toThrow("no completion");
    expect(() => goAiBody("text-to-speech", job({}), "http://gw", {})).toThrow("no audio");
  });
  test("speech segments become timestamped chunks with no words", () => {
    const body = goAiBody(
      "audio-to-text",
      job({ data: { segments: [{ start: 1.02, end: 2.9 }] } }),
      "http://gw",
      {},
    );
    expect(body).toEqual({ text: "", chunks: [{ text: "", timestamp: [1.02, 2.9] }] });
  });
  test("masks keep the ai-runner's strings", () => {
    const body = goAiBody(
      "segment-anything-2",
      job({ data: { masks: "[[[1]]]", scores: "[0.9]", logits: "[[[2.0]]]" } }),
      "http://gw",
      {},
    );
    expect(body).toEqual({ masks: "[[[1]]]", scores: "[0.9]", logits: "[[[2.0]]]" });
  });
  test("an LLM answer streams as one final server-sent event with finish_reason", () => {
    const ev = llmEvents({
      id: "x",
      model: "m",
      created: 1,
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    });
    expect(ev.startsWith("data: ")).toBe(true);
    expect(ev.endsWith("\n\n")).toBe(true);
    const chunk = JSON.parse(ev.slice(6)) as {
      choices: { delta: { content: string }; finish_reason: string }[];
    };
    expect(chunk.choices[0]!.delta.content).toBe("hi");
    expect(chunk.choices[0]!.finish_reason).toBe("stop");
  });
});

describe("LLM events from the runner's generated pieces", () => {
  const data = {
    id: "x",
    model: "m",
    created: 1,
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    choices: [{ index: 0, message: { role: "assistant", content: "hi!" }, finish_reason: "length" }],
    deltas: ["hi", "!"],
  };
  test("one event per piece, then the finish_reason with the usage; the JSON body drops the pieces", () => {
    const events = llmEvents(data)
      .split("\n\n")
      .filter(Boolean)
      .map((e) => JSON.parse(e.slice("data: ".length)));
    expect(events.map((e) => [e.choices[0].delta.content, e.choices[0].finish_reason])).toEqual([
      ["hi", null],
      ["!", null],
      ["", "length"],
    ]);
    expect(events[2].usage).toEqual(data.usage);
    expect(events[0].usage).toBeUndefined();
    expect(goAiBody("llm", job({ data }), "http://gw", {})).not.toHaveProperty("deltas");
  });
});

describe("Livepeer-Transcode-Configuration", () => {
  test("presets first, then JsonProfiles; fps 0 keeps the source rate; encoders map", () => {
    const profiles = profilesFromHeader(
      JSON.stringify({
        manifestID: "m",
        presets: ["P144p30fps16x9"],
        profiles: [
          { name: "a", width: 320, height: 180, bitrate: 300000, fps: 0, encoder: "H265" },
          { name: "b", width: 320, height: 180, bitrate: 300000, fps: 30000, fpsDen: 1001 },
        ],
      }),
      25,
    )!;
    expect(profiles.map((p) => [p.name, p.fps, p.codec])).toEqual([
      ["P144p30fps16x9", 30, "h264"],
      ["a", 25, "h265"],
      ["b", 30, "h264"],
    ]);
  });
  test("a header naming nothing leaves the stream's profiles; bad JSON is go-livepeer's 400 text", () => {
    expect(profilesFromHeader(JSON.stringify({ manifestID: "m" }), 30)).toBeUndefined();
    expect(() => profilesFromHeader("{", 30)).toThrow(TranscodeConfigError);
    expect(() => profilesFromHeader("{", 30)).toThrow(/^failed to parse transcode config header: "/);
    expect(() =>
      profilesFromHeader(JSON.stringify({ profiles: [{ name: "x", encoder: "AV1" }] }), 30),
    ).toThrow("unknown encoder");
  });
});

describe("multipart/mixed renditions", () => {
  test("one part per rendition in order, with go-livepeer's part headers", () => {
    const p = PRESETS.P240p30fps16x9!;
    const body = multipartRenditions(
      [{ profile: p, bytes: new Uint8Array([1, 2, 3]), contentType: "video/mp2t", url: "u" }],
      7,
      "BOUND",
    );
    const text = Buffer.from(body).toString("latin1");
    expect(text).toBe(
      "--BOUND\r\n" +
        'Content-Disposition: attachment; filename="P240p30fps16x9_7.ts"\r\n' +
        "Content-Length: 3\r\n" +
        'Content-Type: video/mp2t; name="P240p30fps16x9_7.ts"\r\n' +
        "Rendition-Name: P240p30fps16x9\r\n\r\n\u0001\u0002\u0003\r\n--BOUND--\r\n",
    );
  });
});

describe("pushed streams", () => {
  test("a stream keeps its profiles while it pushes, and is forgotten once idle", () => {
    const s = createPushStreams();
    const p = [PRESETS.P144p30fps16x9!];
    touchStream(s, "a", p, 1000);
    expect(streamProfiles(s, "a", 1000 + PUSH_IDLE_MS)).toEqual(p);
    expect(streamProfiles(s, "a", 1001 + PUSH_IDLE_MS)).toBeUndefined();
  });
  test("the number of remembered streams is bounded, the longest idle going first", () => {
    const s = createPushStreams();
    const p = [PRESETS.P144p30fps16x9!];
    for (let i = 0; i <= MAX_PUSH_STREAMS; i++) touchStream(s, `s${i}`, p, 5000);
    expect(s.streams.size).toBe(MAX_PUSH_STREAMS);
    expect(s.streams.has("s0")).toBe(false);
    expect(s.streams.has(`s${MAX_PUSH_STREAMS}`)).toBe(true);
  });
});
