import { expect, test } from "bun:test";
import { problemBody } from "../../../src/edge/http/problem.ts";
import { statusForCode } from "../../../src/edge/http/status-map.ts";

test("codes map to statuses: table first, then suffix rules, then 422", () => {
  expect(statusForCode("VALIDATION_FAILED")).toBe(400);
  expect(statusForCode("AUTH_NONCE_REPLAYED")).toBe(409);
  expect(statusForCode("LEDGER_KIND_UNSUPPORTED")).toBe(501);
  expect(statusForCode("JOB_NOT_FOUND")).toBe(404);
  expect(statusForCode("TICKET_SIG_INVALID")).toBe(400);
  expect(statusForCode("LEDGER_UNAVAILABLE")).toBe(503);
  expect(statusForCode("CALLER_NOT_ACTIVE")).toBe(422);
});

test("problem bodies carry type, title, status, code, detail and request id", () => {
  expect(problemBody("AUTH_SIGNATURE_INVALID", "bad sig", "req-1")).toEqual({
    type: "urn:livepeer-edge:problem:auth-signature-invalid",
    title: "Unauthorized",
    status: 401,
    code: "AUTH_SIGNATURE_INVALID",
    detail: "bad sig",
    requestId: "req-1",
  });
});
