import { lookup } from "node:dns/promises";

/**
 * Resolves a host name to every address it has, for the gateway's destination check (Bun, Node
 * and Deno entries pass it; Workers cannot resolve, and there only IP literals are judged).
 */
export async function resolveHost(host: string): Promise<readonly string[]> {
  const found = await lookup(host, { all: true });
  return found.map((a) => a.address);
}
