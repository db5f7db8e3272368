import { describe, expect, test } from "bun:test";
import { goFailover } from "../../../../src/wire/go/failover.ts";
import { GO_TEXT } from "../../../../src/wire/go/status.ts";

// The texts as go-livepeer's orchestrator writes them (http.Error adds the newline), and as its
// gateway's transport errors read.

describe("goFailover", () => {
  test.each([
    [`${GO_TEXT.ticketParamsExpired}\n`, "refresh-retry"],
    [`${GO_TEXT.insufficientBalance}\n`, "repay-retry"],
    [`${GO_TEXT.nonceAlreadySeen} 3\n`, "next"],
    [`${GO_TEXT.nonceTooMany}\n`, "next"],
    [`${GO_TEXT.insufficientCapacity}\n`, "next"],
    [GO_TEXT.orchBusy, "drop"],
    [GO_TEXT.orchCapped, "drop"],
    ["dial tcp 127.0.0.1:8935: connect: connection refused", "drop"],
    ["unexpected EOF", "drop"],
    ["context deadline exceeded (awaiting response headers)", "drop"],
    [GO_TEXT.invalidAuthToken, "fail"],
    [GO_TEXT.invalidRecipientRand, "fail"],
    ["", "fail"],
  ] as const)("%p → %s", (text, step) => {
    expect(goFailover(text)).toBe(step);
  });

  test("matching ignores case, as go-livepeer's lower-cased checks do", () => {
    expect(goFailover("TICKETPARAMS EXPIRED")).toBe("refresh-retry");
    expect(goFailover("Invalid Ticket SenderNonce: already seen")).toBe("next");
  });
});
