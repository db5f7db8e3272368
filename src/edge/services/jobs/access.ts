import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "../../../protocol/bytes.ts";
import type { AppDeps } from "../../deps.ts";
import { JobError } from "./errors.ts";

const LABEL = "livepeer-edge/job-access/";
const PREFIX = "ojt_";

/**
 * The capability token of an orchestrator-side job: HMAC(ticket secret, label ‖ job id). Only the
 * gateway that paid for the job is told it (in the submit answer), so a job id seen elsewhere (logs,
 * dashboards) reads nothing. Derived rather than stored: every edge on the database agrees on it,
 * and it survives restarts with no migration.
 */
export function jobAccessToken(ticketSecret: Uint8Array, jobId: string): string {
  const mac = hmac(sha256, ticketSecret, new TextEncoder().encode(LABEL + jobId));
  return PREFIX + bytesToHex(mac).slice(2);
}

/** The token a request presents: `Authorization: Bearer ojt_…`. */
function presented(authorization: string | undefined): string | undefined {
  return authorization ? /^Bearer\s+(ojt_[0-9a-f]{64})$/i.exec(authorization)?.[1] : undefined;
}

/** Equal strings in time independent of where they differ (both are fixed-length hex here). */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Refuses a request on job `jobId` unless it carries the job's token: none → JOB_TOKEN_REQUIRED
 * (401), a wrong one → JOB_TOKEN_INVALID (403). Checked before the job is looked up, so the answer
 * says nothing about which ids exist.
 */
export function assertJobAccess(deps: AppDeps, jobId: string, authorization: string | undefined): void {
  const token = presented(authorization);
  if (!token) {
    throw new JobError(
      "JOB_TOKEN_REQUIRED",
      "this job's access token is required (Authorization: Bearer ojt_…)",
    );
  }
  if (!sameSecret(token.toLowerCase(), jobAccessToken(deps.keys.ticketSecret, jobId))) {
    throw new JobError("JOB_TOKEN_INVALID", "the token is not this job's");
  }
}
