import { MAX_WIN_PROB, ticketEV } from "../../../protocol/win.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { OrchestratorInfoJson } from "../../../wire/orchestrator-info.ts";
import type { AppDeps } from "../../deps.ts";

/**
 * An orchestrator asked for more than this gateway will pay: ticket params beyond the configured
 * bounds, or a fee above what the gateway computed. The orchestrator is refused and suspended.
 */
export class OverreachError extends LivepeerError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ORCHESTRATOR_OVERREACH", message, details === undefined ? undefined : { details });
    this.name = "OverreachError";
  }
}

/**
 * Checks offered ticket params against `gateway.spend`: face value and winProb in range, face
 * value at most `maxFaceValue`, EV per ticket positive and at most `maxTicketEv`. A winProb of
 * 2^256−1 makes every ticket a winner, so its EV is its face value: the EV bound catches it.
 */
export function checkOfferedParams(deps: AppDeps, info: Pick<OrchestratorInfoJson, "ticketParams">): void {
  const limits = deps.config.gateway.spend;
  const faceValue = BigInt(info.ticketParams.faceValue);
  const winProb = BigInt(info.ticketParams.winProb);
  if (faceValue <= 0n || winProb <= 0n || winProb > MAX_WIN_PROB) {
    throw new OverreachError("offered faceValue and winProb must be positive uint256 values");
  }
  if (faceValue > limits.maxFaceValue) {
    throw new OverreachError(
      `offered face value ${faceValue} is above the gateway's ${limits.maxFaceValue}`,
      {
        faceValue: faceValue.toString(),
      },
    );
  }
  const ev = ticketEV(faceValue, winProb);
  if (ev <= 0n || ev > limits.maxTicketEv) {
    throw new OverreachError(`offered ticket EV ${ev} is outside (0, ${limits.maxTicketEv}]`, {
      ev: ev.toString(),
    });
  }
}
