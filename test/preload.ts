import { setDefaultTimeout } from "bun:test";

// bun ignores `[test] timeout` in bunfig.toml; a preload's default applies to every test, whether
// the run is `npm test` or `bun test <file>`. e2e suites start real processes (FFmpeg, runners,
// edges) and need room on a loaded machine; tests with their own timeout keep it.
setDefaultTimeout(120_000);
