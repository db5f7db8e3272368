import { type ErrorCode, LivepeerError, type LivepeerErrorOptions } from "../../../wire/errors.ts";

/** The codes of the job life-cycle (their statuses are in ERRORS). */
export type JobErrorCode = Extract<
  ErrorCode,
  | "JOB_NOT_FOUND"
  | "OUTPUT_NOT_FOUND"
  | "LEASE_LOST"
  | "INVALID_INPUT"
  | "NOT_VIDEO"
  | "UNKNOWN_PRESET"
  | "UNKNOWN_PIPELINE"
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
  | "PAYMENT_REQUIRED"
  | "JOB_TOKEN_REQUIRED"
  | "JOB_TOKEN_INVALID"
  | "JOB_CANCELLED"
>;

/** A LivepeerError of the job life-cycle. */
export class JobError extends LivepeerError<JobErrorCode> {
  constructor(code: JobErrorCode, message: string, options?: LivepeerErrorOptions) {
    super(code, message, options);
    this.name = "JobError";
  }
}
