import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { type EntryName, type EnvTable, envHelp } from "./env.ts";

// Command-line parsing shared by every entry: --help (usage, options and the entry's environment
// variables, exit 0) and a clear one-line error for an unknown or malformed option (exit 2).

export interface CliSpec<O extends ParseArgsOptionsConfig> {
  entry: EntryName;
  /** The command line, e.g. "npm run runner -- --edge URL --token TOKEN". */
  usage: string;
  summary: string;
  options: O;
  /** One line per option, keyed by its name. */
  optionHelp: { [K in keyof O]: string };
  /** What positionals mean; none are allowed when absent. */
  positionals?: string;
  env: readonly EnvTable[];
}

/** The full --help text of an entry. */
export function helpText<O extends ParseArgsOptionsConfig>(spec: CliSpec<O>): string {
  const opts = Object.entries(spec.options).map(([name, o]) => {
    const flag = `--${name}${o.type === "string" ? " VALUE" : ""}`;
    const dflt = o.default === undefined ? "" : ` (default ${String(o.default)})`;
    return [flag, `${spec.optionHelp[name as keyof O]}${dflt}`] as const;
  });
  opts.push(["--help", "print this help and exit"]);
  const width = Math.max(...opts.map(([f]) => f.length));
  return [
    `usage: ${spec.usage}`,
    "",
    spec.summary,
    "",
    "Options:",
    ...opts.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`),
    ...(spec.positionals ? ["", `Arguments: ${spec.positionals}`] : []),
    "",
    envHelp(spec.env, spec.entry),
  ]
    .join("\n")
    .trimEnd();
}

/**
 * Parses argv strictly. --help prints the help and exits 0; a bad option prints what was wrong
 * and how to get help, and exits 2.
 */
export function parseCli<O extends ParseArgsOptionsConfig>(spec: CliSpec<O>, args = process.argv.slice(2)) {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(helpText(spec));
    process.exit(0);
  }
  try {
    return parseArgs({
      args,
      options: spec.options,
      strict: true,
      allowPositionals: spec.positionals !== undefined,
    });
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS")) throw err;
    console.error(
      `${spec.entry}: ${(err as Error).message}\nusage: ${spec.usage}\n(--help lists every option)`,
    );
    process.exit(2);
  }
}
