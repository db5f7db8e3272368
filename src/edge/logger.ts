import type { Logger } from "./deps.ts";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * JSON-lines logger: one object per line with time, level, msg and the fields (bigint as
 * decimal strings). `sink` defaults to console.log, which every runtime (Workers included) has.
 */
export function createLogger(
  options: { level?: LogLevel; base?: Record<string, unknown>; sink?: (line: string) => void } = {},
): Logger {
  const min = RANK[options.level ?? "info"];
  const sink = options.sink ?? ((line: string) => console.log(line));
  const base = options.base ?? {};
  const write = (level: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    const record = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    sink(stringify(record));
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
}

/**
 * JSON without a replacer when the record holds no bigint (a replacer function takes the engine
 * off its fast path, several times slower); a bigint anywhere makes the first try throw.
 */
function stringify(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify(record, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  }
}
