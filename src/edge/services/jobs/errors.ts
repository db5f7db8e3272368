import { LivepeerError } from "../../../protocol/errors.ts";

/** Stable codes of the job life-cycle; the HTTP status for each is in JOB_ERROR_STATUS. */
export type JobErrorCode =
  | "JOB_NOT_FOUND"
  | "OUTPUT_NOT_FOUND"
  | "LEASE_LOST"
  | "INVALID_INPUT"
  | "NOT_VIDEO"
  | "UNKNOWN_PRESET"
  | "UNKNOWN_PIPELINE"
  | "BODY_TOO_LARGE"
  | "API_KEY_REQUIRED"
  | "API_KEY_INVALID"
  | "RATE_LIMITED"
  | "ADMIN_TOKEN_INVALID"
  | "RUNNER_TOKEN_INVALID"
  | "RUNNER_NOT_FOUND"
  | "NO_ORCHESTRATOR"
  | "PIPELINE_NOT_ADVERTISED"
  | "ORCHESTRATOR_FAILED"
  | "JOB_FAILED"
  | "JOB_TIMEOUT"
  | "PAYMENT_REQUIRED";

export const JOB_ERROR_STATUS: Readonly<Record<JobErrorCode, number>> = {
  JOB_NOT_FOUND: 404,
  OUTPUT_NOT_FOUND: 404,
  LEASE_LOST: 409,
  INVALID_INPUT: 400,
  NOT_VIDEO: 415,
  UNKNOWN_PRESET: 400,
  UNKNOWN_PIPELINE: 404,
  BODY_TOO_LARGE: 413,
  API_KEY_REQUIRED: 401,
  API_KEY_INVALID: 401,
  RATE_LIMITED: 429,
  ADMIN_TOKEN_INVALID: 401,
  RUNNER_TOKEN_INVALID: 401,
  RUNNER_NOT_FOUND: 401,
  NO_ORCHESTRATOR: 503,
  PIPELINE_NOT_ADVERTISED: 503,
  ORCHESTRATOR_FAILED: 502,
  JOB_FAILED: 502,
  JOB_TIMEOUT: 504,
  PAYMENT_REQUIRED: 402,
};

export class JobError extends LivepeerError {
  override readonly code: JobErrorCode;
  readonly status: number;

  constructor(
    code: JobErrorCode,
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "JobError";
    this.code = code;
    this.status = JOB_ERROR_STATUS[code];
  }
}
