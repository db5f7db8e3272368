import { envTable, parse } from "../src/cli/env.ts";

// The environment variables of npm test (scripts/test.ts) and npm run chain, built like the edge's table.
export const TEST_ENV = envTable({
  JUNIT_FILE: {
    description: "where npm test writes its JUnit report (two runs side by side need two)",
    default: "junit.xml",
    parse: parse.string,
    entries: ["test"],
  },
  LIVEPEER_PROTOCOL_ARTIFACTS: {
    description:
      "folder of the compiled Livepeer contracts (<Name>.json) that npm run chain deploys and the chain tests need (default: shared/livepeer-protocol/artifacts beside the checkout)",
    parse: parse.string,
    entries: ["chain", "test"],
  },
});
