/**
 * Where job inputs and outputs live. Keys are slash-separated paths such as
 * `queue/<job>/<attempt>/<name>`; callers record size, type and hash in the `blobs` table.
 */
export interface BlobStore {
  readonly kind: "fs" | "s3" | "memory";
  put(key: string, data: Uint8Array, contentType: string): Promise<void>;
  /** The bytes, or null when the key is absent. */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
}

/** Rejects keys that could escape a directory or bucket prefix. */
export function assertBlobKey(key: string): void {
  if (
    key.length === 0 ||
    key.length > 512 ||
    key.startsWith("/") ||
    key.split("/").some((part) => part === "" || part === "." || part === "..") ||
    !/^[A-Za-z0-9._\-/]+$/.test(key)
  ) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
}
