import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Makes a data directory private to this user: the directory and its sub-directories 0700, its
 * files (the database holds the ticket secret; runner-tokens.json the runner tokens) 0600. Run
 * at start, so a directory made by an older version (0755/0644) is tightened too; files created
 * afterwards follow the process umask, which the entry sets to 077.
 */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) chmodSync(join(dir, entry.name), 0o700);
    else if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600);
  }
}

/** The node-runner child's command and environment: its tokens travel in the environment, never argv. */
export function runnerCommand(opts: {
  execPath: string;
  script: string;
  edge: string;
  tokens: readonly string[];
  capacity: number;
  modelsDir: string;
  env: Record<string, string | undefined>;
}): { cmd: string[]; env: Record<string, string | undefined> } {
  return {
    cmd: [
      opts.execPath,
      opts.script,
      "--edge",
      opts.edge,
      "--capacity",
      String(opts.capacity),
      "--models",
      opts.modelsDir,
    ],
    env: { ...opts.env, RUNNER_TOKEN: opts.tokens.join(",") },
  };
}
