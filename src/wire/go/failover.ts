// What go-livepeer's gateway does after an orchestrator's error, decided by the error's text
// (gateways match on text, not on status): server/broadcast.go and server/ai_process.go.

/** The gateway's next step after a failed segment or AI request. */
export type GoFailover =
  /** The ticket params ran out: refresh the session's params and retry the same orchestrator. */
  | "refresh-retry"
  /** The orchestrator's credit for the session is short: refresh the params, pay again, retry. */
  | "repay-retry"
  /** Try the next orchestrator; this one keeps its session and its standing. */
  | "next"
  /** Drop the session (and count a failure against the orchestrator), then try the next one. */
  | "drop"
  /** Anything else: count a failure and try the next orchestrator. */
  | "fail";

/** Case-insensitive texts, most specific first. */
const RULES: readonly (readonly [string, GoFailover])[] = [
  ["ticketparams expired", "refresh-retry"],
  ["insufficient balance", "repay-retry"],
  ["invalid ticket sendernonce", "next"],
  ["insufficient capacity", "next"],
  ["orchestratorbusy", "drop"],
  ["orchestratorcapped", "drop"],
  ["dial tcp", "drop"],
  ["unexpected eof", "drop"],
  ["context deadline exceeded", "drop"],
];

/** The step go-livepeer's gateway takes after an error with this text. */
export function goFailover(text: string): GoFailover {
  const t = text.toLowerCase();
  for (const [needle, step] of RULES) if (t.includes(needle)) return step;
  return "fail";
}

/** Retries of the same orchestrator after refresh-retry or repay-retry (go-livepeer's AI path: 3). */
export const GO_SAME_ORCHESTRATOR_RETRIES = 3;
