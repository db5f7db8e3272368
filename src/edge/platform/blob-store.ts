import type { EdgeConfig } from "../config.ts";
import type { BlobStore } from "../services/blobs/blob-store.ts";
import { createS3BlobStore } from "../services/blobs/s3-store.ts";
import { createFsBlobStore } from "./fs-blob-store.ts";

/**
 * The blob store the configuration names (built by bootstrap, which may touch the host; services
 * only see the BlobStore interface): the filesystem by default, or S3-compatible.
 */
export function createBlobStore(config: EdgeConfig["blobs"]): BlobStore {
  if (config.kind === "s3") return createS3BlobStore(config);
  return createFsBlobStore(config.dir);
}
