import { setDefaultTimeout } from "bun:test";

// bun ignores `[test] timeout` in bunfig.toml, and applies a preload's default only to the first
// test file of a run: `npm test` (scripts/test.ts) therefore passes --timeout for the whole suite.
// This covers `bun test <one file>` run by hand; a file's own setDefaultTimeout still wins.
setDefaultTimeout(120_000);
