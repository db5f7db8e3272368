import { envTable, parse } from "../src/cli/env.ts";

// The environment variables of npm test (scripts/test.ts), built like the edge's table.
export const TEST_ENV = envTable({
  JUNIT_FILE: {
    description: "where npm test writes its JUnit report (two runs side by side need two)",
    default: "junit.xml",
    parse: parse.string,
    entries: ["test"],
  },
});
