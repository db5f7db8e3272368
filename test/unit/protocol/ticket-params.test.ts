import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { computeTicketParams, maxFloat, ticketEV, winProbFor } from "../../../src/protocol/index.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";

const GWEI = 10n ** 9n;
const ETH = 10n ** 18n;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof LivepeerError ? e.code : "not-a-LivepeerError";
  }
  return undefined;
}

describe("computeTicketParams", () => {
  test("faceValue = 1,200,000 gas × gas price × 100 by default, winProb from the EV", () => {
    const ev = 10n ** 12n;
    const p = computeTicketParams({ ev, gasPrice: GWEI / 100n, maxFloat: ETH });
    expect(p.faceValue).toBe(1_200_000n * (GWEI / 100n) * 100n);
    expect(p.winProb).toBe(winProbFor(ev, p.faceValue));
    expect(ticketEV(p.faceValue, p.winProb)).toBe(ev);
  });

  test("honours custom gas and multiplier", () => {
    const p = computeTicketParams({
      ev: 1n,
      gasPrice: 3n,
      redeemGas: 500_000n,
      txCostMultiplier: 7n,
      maxFloat: ETH,
    });
    expect(p.faceValue).toBe(500_000n * 3n * 7n);
  });

  test("clamps to the operator's maxFaceValue, then to the sender's max float", () => {
    const ev = 10n ** 10n;
    const high = computeTicketParams({ ev, gasPrice: GWEI, maxFloat: ETH, maxFaceValue: 10n ** 15n });
    expect(high.faceValue).toBe(10n ** 15n);
    const floatBound = computeTicketParams({
      ev,
      gasPrice: GWEI,
      maxFloat: 10n ** 13n,
      maxFaceValue: 10n ** 15n,
    });
    expect(floatBound.faceValue).toBe(10n ** 13n);
    expect(ticketEV(floatBound.faceValue, floatBound.winProb)).toBe(ev);
  });

  test("never offers a faceValue below the EV when gas is cheap", () => {
    const p = computeTicketParams({ ev: 10n ** 15n, gasPrice: 0n, maxFloat: ETH });
    expect(p.faceValue).toBe(10n ** 15n);
    expect(p.winProb).toBe(winProbFor(10n ** 15n, 10n ** 15n));
  });

  test("a sender whose max float cannot carry the EV gets SENDER_RESERVE_INSUFFICIENT", () => {
    expect(
      codeOf(() => computeTicketParams({ ev: 10n ** 15n, gasPrice: GWEI, maxFloat: 10n ** 15n - 1n })),
    ).toBe("SENDER_RESERVE_INSUFFICIENT");
    expect(codeOf(() => computeTicketParams({ ev: 1n, gasPrice: GWEI, maxFloat: 0n }))).toBe(
      "SENDER_RESERVE_INSUFFICIENT",
    );
    expect(codeOf(() => computeTicketParams({ ev: 0n, gasPrice: GWEI, maxFloat: ETH }))).toBe(
      "INVALID_TICKET_PARAMS_INPUT",
    );
    expect(
      codeOf(() => computeTicketParams({ ev: 10n, gasPrice: GWEI, maxFloat: ETH, maxFaceValue: 5n })),
    ).toBe("INVALID_TICKET_PARAMS_INPUT");
  });

  test("offers never exceed max float or maxFaceValue and always carry the EV exactly", () => {
    const wei = fc.bigInt({ min: 1n, max: 10n ** 24n });
    fc.assert(
      fc.property(wei, fc.bigInt({ min: 0n, max: 10n ** 12n }), wei, wei, (ev, gasPrice, float, cap) => {
        let offer: ReturnType<typeof computeTicketParams>;
        try {
          offer = computeTicketParams({ ev, gasPrice, maxFloat: float, maxFaceValue: cap });
        } catch (e) {
          // Only legitimate refusals: the float or the cap is below the EV.
          return e instanceof LivepeerError && (float < ev || cap < ev);
        }
        return (
          offer.faceValue <= float &&
          offer.faceValue <= cap &&
          offer.faceValue >= ev &&
          ticketEV(offer.faceValue, offer.winProb) === ev
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("maxFloat", () => {
  const base = {
    fundsRemaining: 90n * ETH,
    claimedThisRound: 10n * ETH,
    activeSetSize: 100n,
    claimedByRecipient: 0n,
  };

  test("is the reserve allocation (fundsRemaining + claimed) / activeSetSize - claimedByRecipient", () => {
    expect(maxFloat(base)).toBe(ETH);
    expect(maxFloat({ ...base, claimedByRecipient: ETH / 4n })).toBe((3n * ETH) / 4n);
    expect(maxFloat({ ...base, activeSetSize: 3n })).toBe((100n * ETH) / 3n);
  });

  test("subtracts pending winning tickets unless the deposit covers them three times over", () => {
    const pending = ETH / 10n;
    expect(maxFloat({ ...base, pendingFaceValue: pending, deposit: 0n })).toBe(ETH - pending);
    expect(maxFloat({ ...base, pendingFaceValue: pending, deposit: 3n * pending - 1n })).toBe(ETH - pending);
    expect(maxFloat({ ...base, pendingFaceValue: pending, deposit: 3n * pending })).toBe(ETH);
  });

  test("never goes negative and refuses an empty active set", () => {
    expect(maxFloat({ ...base, claimedByRecipient: 2n * ETH })).toBe(0n);
    expect(() => maxFloat({ ...base, activeSetSize: 0n })).toThrow(LivepeerError);
  });
});
