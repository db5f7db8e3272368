// ServiceRegistry: one service URI per address.
import type { Ctx } from "./context.ts";

export function setServiceURI(ctx: Ctx, caller: string, uri: string): void {
  ctx.store.setServiceURI(caller, uri);
  ctx.store.emit("ServiceURIUpdate", { addr: caller, serviceURI: uri });
}
