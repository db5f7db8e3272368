import { describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { AuthTokens } from "../../../../src/edge/go-wire/auth-token.ts";
import { selfSignedCertificate } from "../../../../src/edge/go-wire/cert.ts";
import { ManifestCredit } from "../../../../src/edge/go-wire/credit.ts";
import { StreamStore } from "../../../../src/edge/go-wire/streams.ts";
import { AuthTokenSchema } from "../../../../src/wire/go/gen/net/lp_rpc_pb.ts";
import { GO_TEXT } from "../../../../src/wire/go/status.ts";

describe("auth tokens", () => {
  const secret = new Uint8Array(32).fill(9);
  test("token = HMAC-SHA256(secret, session_id ‖ uint64be expiration), 30 minutes", () => {
    const now = 1_800_000_000_000;
    const t = new AuthTokens(secret, () => now).issue();
    expect(t.expiration).toBe(BigInt(now / 1000 + 1800));
    const msg = new Uint8Array([...new TextEncoder().encode(t.sessionId), 0, 0, 0, 0, 0, 0, 0, 0]);
    new DataView(msg.buffer).setBigUint64(msg.length - 8, t.expiration);
    expect(t.token).toEqual(hmac(sha256, secret, msg));
  });
  test("missing, invalid and expired tokens get go-livepeer's texts", () => {
    let now = 1_800_000_000_000;
    const tokens = new AuthTokens(secret, () => now);
    const t = tokens.issue();
    expect(tokens.check(t)).toBeNull();
    expect(tokens.check(undefined)).toBe(GO_TEXT.missingAuthToken);
    expect(tokens.check(create(AuthTokenSchema, { ...t, expiration: t.expiration + 1n }))).toBe(
      GO_TEXT.invalidAuthToken,
    );
    expect(new AuthTokens(new Uint8Array(32), () => now).check(t)).toBe(GO_TEXT.invalidAuthToken);
    now += 1801_000;
    expect(tokens.check(t)).toBe(GO_TEXT.expiredAuthToken);
  });
});

describe("self-signed certificate", () => {
  test("ECDSA P-256, CA, one year, names the host, verifies with its own key", () => {
    for (const [host, check] of [
      ["127.0.0.1", (x: X509Certificate) => x.checkIP("127.0.0.1")],
      ["orch.example", (x: X509Certificate) => x.checkHost("orch.example")],
    ] as const) {
      const x = new X509Certificate(selfSignedCertificate(host).cert);
      expect(x.ca).toBe(true);
      expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
      expect(x.verify(x.publicKey)).toBe(true);
      expect(check(x)).toBeDefined();
      const days = (Date.parse(x.validTo) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(364);
    }
  });
  test("a new key every time", () => {
    expect(selfSignedCertificate("h").key).not.toBe(selfSignedCertificate("h").key);
  });
});

describe("credit and streams", () => {
  test("credit is per (sender, manifest) and may go negative", () => {
    const c = new ManifestCredit(2);
    c.add("0xA", "m1", 10n);
    expect(c.add("0xa", "m1", -15n)).toBe(-5n);
    expect(c.balance("0xa", "m2")).toBe(0n);
    c.add("0xa", "m2", 1n);
    c.add("0xa", "m3", 1n);
    expect(c.balance("0xa", "m1")).toBe(0n); // evicted, least recently used
  });
  test("streams keep the last files of each rendition", () => {
    const s = new StreamStore(2);
    for (let i = 0; i < 3; i++) s.put(`sess/P/${i}.ts`, { blobKey: `k${i}`, contentType: "video/mp2t" });
    expect(s.get("sess/P/0.ts")).toBeUndefined();
    expect(s.get("sess/P/2.ts")?.blobKey).toBe("k2");
  });
});
