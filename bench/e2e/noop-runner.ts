// A node-runner process whose executor does nothing: the real agent (register, long poll, lease,
// complete over HTTP) serving the "llm" pipeline with one model, "noop", priced at 3 wei per 2
// units. Started by the end-to-end benches; prints "ready" once registered.
//   bun bench/e2e/noop-runner.ts <edge url> <runner token> <capacity>
import { createAgent } from "../../src/node-runner/agent.ts";
import type { Executors } from "../../src/node-runner/executor.ts";

const [edgeUrl = "", token = "", slots = "8"] = process.argv.slice(2);
const capacity = Number(slots);

const noop: Executors = {
  async probe() {
    return {
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: [
        { pipeline: "llm", modelId: "noop", warm: true, price: { pricePerUnit: "3", pixelsPerUnit: "2" } },
      ],
      capabilities: ["llm"],
      capacity,
    };
  },
  async execute() {
    return { outputs: [], data: { text: "" }, engine: "noop", units: 1n, timings: {} };
  },
  async close() {},
};

const agent = createAgent({ edgeUrl, token, executors: noop, capacity });
await agent.start();
console.log("ready");
process.on("SIGTERM", () => {
  void agent.stop(1000).then(() => process.exit(0));
});
