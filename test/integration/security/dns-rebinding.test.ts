import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetchBounded } from "../../../src/wire/fetch-bounded.ts";

// Issue 9, item 2: a host name is resolved once, checked, and the plain-http connection goes to
// exactly that address, so a name whose second answer would be private never gets that second
// look. The proof: a name the system resolver cannot resolve at all ("rebind.invalid") is
// reached, which only the checked address can explain.

let server: Server;
let port: number;
const seen: { host: string | undefined; url: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ host: req.headers.host, url: req.url });
    res.end("pinned");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("DNS rebinding", () => {
  test("plain http goes to the address that was checked, with the name in the Host header", async () => {
    const lookups: string[] = [];
    const res = await fetchBounded(
      new URL(`http://rebind.invalid:${port}/v1/orchestrator/info?x=1`),
      { headers: { "x-test": "1" } },
      {
        maxBytes: 1024,
        timeoutMs: 10_000,
        policy: {
          allowPrivate: ["127.0.0.1"],
          lookup: async (host) => {
            lookups.push(host);
            return ["127.0.0.1"];
          },
        },
      },
    );
    expect(new TextDecoder().decode(res.bytes)).toBe("pinned");
    expect(lookups).toEqual(["rebind.invalid"]);
    expect(seen.at(-1)).toEqual({ host: `rebind.invalid:${port}`, url: "/v1/orchestrator/info?x=1" });
  });
});
