// The environment tables every entry reads through: one row per variable with its description,
// default, parser and the entries that use it. `--help` and the README's table are rendered from
// the same rows, so a variable cannot be read without being documented. Imports nothing of the
// project, so the edge, the runner, the scripts and the benches may all use it.

/** The package.json entry points (and the edge's own runtime entries). */
export const ENTRIES = [
  "start",
  "edge",
  "runner",
  "models",
  "example",
  "devnet-example",
  "chain",
  "bench",
  "test",
  "lpx",
] as const;
export type EntryName = (typeof ENTRIES)[number];

/** Environment as a plain record (process.env, Deno.env.toObject(), a Workers env). */
export type Env = Record<string, string | undefined>;

export interface EnvVar<T = unknown> {
  description: string;
  /** Shown in help and parsed when the variable is unset; absent means "unset is allowed". */
  default?: string;
  /** Turns the raw text into a value; throws Error with a short reason on bad input. */
  parse(raw: string): T;
  entries: readonly EntryName[];
}

export type EnvTable = Record<string, EnvVar>;

/** Builds a table, keeping each row's parser type. */
export const envTable = <T extends Record<string, EnvVar>>(rows: T): T => rows;

type Value<V> = V extends EnvVar<infer T> ? (V extends { default: string } ? T : T | undefined) : never;
export type EnvValues<T extends EnvTable> = { [K in keyof T]: Value<T[K]> };

/** A bad variable: every problem, by name, in one message. */
export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid environment:\n  ${issues.join("\n  ")}`);
    this.name = "EnvError";
  }
}

/** Parses every row of `table` from `env` (unset or empty → the default, or undefined). */
export function readEnv<T extends EnvTable>(table: T, env: Env): EnvValues<T> {
  const out: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const [name, row] of Object.entries(table)) {
    const raw = env[name]?.trim();
    const text = raw === undefined || raw === "" ? row.default : raw;
    if (text === undefined) continue;
    try {
      out[name] = row.parse(text);
    } catch (err) {
      issues.push(`${name}=${JSON.stringify(text)}: ${(err as Error).message}`);
    }
  }
  if (issues.length > 0) throw new EnvError(issues);
  return out as EnvValues<T>;
}

/** The rows an entry uses, as help text lines. */
export function envHelp(tables: readonly EnvTable[], entry: EntryName): string {
  const rows = tables.flatMap((t) => Object.entries(t)).filter(([, r]) => r.entries.includes(entry));
  if (rows.length === 0) return "";
  const width = Math.max(...rows.map(([n]) => n.length));
  const lines = rows.map(
    ([name, r]) => `  ${name.padEnd(width)}  ${r.description}${r.default ? ` (default ${r.default})` : ""}`,
  );
  return `Environment:\n${lines.join("\n")}`;
}

/** Every row as a Markdown table (the README's copy). */
export function envMarkdown(tables: readonly EnvTable[]): string {
  const rows = tables.flatMap((t) => Object.entries(t));
  return [
    "| variable | used by | default | what it sets |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      ([name, r]) =>
        `| \`${name}\` | ${r.entries.join(", ")} | ${r.default ? `\`${r.default}\`` : ""} | ${r.description.replace(/\|/g, "\\|")} |`,
    ),
  ].join("\n");
}

/** Parsers for the common shapes. */
export const parse = {
  string: (s: string): string => s,
  int(s: string): number {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw new Error("must be an integer");
    return n;
  },
  nonNegativeInt(s: string): number {
    const n = parse.int(s);
    if (n < 0) throw new Error("must be a non-negative integer");
    return n;
  },
  positiveInt(s: string): number {
    const n = parse.int(s);
    if (n < 1) throw new Error("must be a positive integer");
    return n;
  },
  list: (s: string): string[] =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  bool(s: string): boolean {
    if (/^(1|true|on|yes)$/i.test(s)) return true;
    if (/^(0|false|off|no)$/i.test(s)) return false;
    throw new Error("must be on or off");
  },
  oneOf<const T extends string>(...values: T[]) {
    return (s: string): T => {
      if (!(values as string[]).includes(s)) throw new Error(`must be one of ${values.join(", ")}`);
      return s as T;
    };
  },
};
