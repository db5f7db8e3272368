import { envTable, parse } from "../cli/env.ts";

// The node-runner's environment variables (its flags win over them), built like the edge's table.
export const RUNNER_ENV = envTable({
  EDGE_URL: {
    description: "the edge to register with (--edge wins); the example's edge URL (--url wins)",
    parse: parse.string,
    entries: ["runner", "example"],
  },
  RUNNER_TOKEN: {
    description: "runner token(s), comma-separated, each bound to one orchestrator (--token wins)",
    parse: parse.list,
    entries: ["runner"],
  },
});
