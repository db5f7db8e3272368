/**
 * Base of every domain error: a stable machine-readable `code`, a short message, and optional
 * details. The HTTP layer maps codes to statuses and renders problem+json.
 */
export class LivepeerError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LivepeerError";
    this.code = code;
    this.details = options?.details;
  }
}
