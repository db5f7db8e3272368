import type { EdgeConfig } from "../../config.ts";
import { createFsBlobStore } from "../../platform/fs-blob-store.ts";
import type { BlobStore } from "./blob-store.ts";
import { createS3BlobStore } from "./s3-store.ts";

/** The blob store the configuration names: the filesystem by default, or S3-compatible. */
export function createBlobStore(config: EdgeConfig["blobs"]): BlobStore {
  if (config.kind === "s3") return createS3BlobStore(config);
  return createFsBlobStore(config.dir);
}
