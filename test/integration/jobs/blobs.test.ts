import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFsBlobStore } from "../../../src/edge/platform/fs-blob-store.ts";
import { createS3BlobStore } from "../../../src/edge/services/blobs/s3-store.ts";

const dir = mkdtempSync(join(tmpdir(), "lp-blobs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("fs store: put, get, delete; keys cannot escape the directory", async () => {
  const store = createFsBlobStore(dir);
  await store.put("queue/j1/1/out.ts", new Uint8Array([1, 2, 3]), "video/mp2t");
  expect(await store.get("queue/j1/1/out.ts")).toEqual(new Uint8Array([1, 2, 3]));
  expect(await store.get("queue/j1/1/missing")).toBeNull();
  await store.delete("queue/j1/1/out.ts");
  expect(await store.get("queue/j1/1/out.ts")).toBeNull();
  for (const bad of ["../x", "/etc/passwd", "a//b", "a/./b", "a b"]) {
    await expect(store.put(bad, new Uint8Array(1), "x")).rejects.toThrow("invalid blob key");
  }
});

// No S3 server ships here: this checks what can be checked without one. A loopback HTTP server
// stands in for the bucket, storing bodies by path and recording the SigV4 headers it receives.
// It does not verify signatures, so compatibility with a real S3/R2/MinIO is untested.
test("s3 store: path-style SigV4-signed PUT/GET/DELETE against a loopback stand-in", async () => {
  const objects = new Map<string, Uint8Array>();
  const seen: { method: string; path: string; auth: string; sha: string | null; type: string | null }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      seen.push({
        method: req.method,
        path,
        auth: req.headers.get("authorization") ?? "",
        sha: req.headers.get("x-amz-content-sha256"),
        type: req.headers.get("content-type"),
      });
      if (req.method === "PUT") objects.set(path, new Uint8Array(await req.arrayBuffer()));
      if (req.method === "DELETE") objects.delete(path);
      if (req.method === "GET") {
        const o = objects.get(path);
        return o ? new Response(o as Uint8Array<ArrayBuffer>) : new Response("NoSuchKey", { status: 404 });
      }
      return new Response(null, { status: req.method === "DELETE" ? 204 : 200 });
    },
  });
  try {
    const store = createS3BlobStore({
      endpoint: `http://127.0.0.1:${server.port}`,
      bucket: "jobs",
      region: "auto",
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "secret",
    });
    await store.put("consumer/j/out/a.ts", new Uint8Array([9, 8]), "video/mp2t");
    expect(await store.get("consumer/j/out/a.ts")).toEqual(new Uint8Array([9, 8]));
    await store.delete("consumer/j/out/a.ts");
    expect(await store.get("consumer/j/out/a.ts")).toBeNull();
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      "PUT /jobs/consumer/j/out/a.ts",
      "GET /jobs/consumer/j/out/a.ts",
      "DELETE /jobs/consumer/j/out/a.ts",
      "GET /jobs/consumer/j/out/a.ts",
    ]);
    for (const s of seen) {
      expect(s.auth).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/auto\/s3\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/,
      );
      expect(s.sha).toMatch(/^[0-9a-f]{64}$|^UNSIGNED-PAYLOAD$/);
    }
    expect(seen[0]!.type).toBe("video/mp2t");
  } finally {
    server.stop(true);
  }
});
