// ServiceRegistry: one service URI per address.
import { serviceURIProblem } from "../../../wire/service-uri.ts";
import { LedgerError } from "../errors.ts";
import type { Ctx } from "./context.ts";

// The contract stores any string; this ledger refuses a URI gateways would refuse to call
// (not http(s), credentials, a query or fragment that would swallow the paths appended to it).
export function setServiceURI(ctx: Ctx, caller: string, uri: string): void {
  const problem = serviceURIProblem(uri);
  if (problem) throw new LedgerError("SERVICE_URI_INVALID", `service URI refused: ${problem}`);
  ctx.store.setServiceURI(caller, uri);
  ctx.store.emit("ServiceURIUpdate", { addr: caller, serviceURI: uri });
}
