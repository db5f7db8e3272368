import { AwsClient } from "aws4fetch";
import { assertBlobKey, type BlobStore } from "./blob-store.ts";

export interface S3Options {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * An S3-compatible store (AWS S3, R2, MinIO) over SigV4-signed fetch, path-style URLs
 * (`endpoint/bucket/key`), which every S3-compatible server accepts.
 */
export function createS3BlobStore(options: S3Options, fetchImpl: typeof fetch = fetch): BlobStore {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    service: "s3",
    region: options.region,
    retries: 2,
  });
  const base = options.endpoint.replace(/\/+$/, "");
  const urlOf = (key: string) => {
    assertBlobKey(key);
    return `${base}/${encodeURIComponent(options.bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;
  };
  const send = async (method: string, key: string, init: RequestInit = {}) => {
    const signed = await client.sign(urlOf(key), { method, ...init });
    return fetchImpl(signed);
  };
  return {
    kind: "s3",
    async put(key, data, contentType) {
      const res = await send("PUT", key, {
        body: data as Uint8Array<ArrayBuffer>,
        headers: { "content-type": contentType },
      });
      if (!res.ok) throw new Error(`s3 put ${key}: HTTP ${res.status} ${await res.text()}`);
    },
    async get(key) {
      const res = await send("GET", key);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`s3 get ${key}: HTTP ${res.status} ${await res.text()}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    async delete(key) {
      const res = await send("DELETE", key);
      if (!res.ok && res.status !== 404) throw new Error(`s3 delete ${key}: HTTP ${res.status}`);
    },
  };
}
