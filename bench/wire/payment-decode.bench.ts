/**
 * Tickets per second through the two payment encodings, decode to the project's bigint Payment:
 * the protobuf Livepeer-Payment header (base64 → protobuf → conversion) against the JSON payment
 * (JSON.parse → zod schema → conversion), the baseline, measured in this run. Signature checks
 * are the same afterwards for both, so they are left out (bench/tickets measures them).
 *   npx bun run bench/wire/payment-decode.bench.ts
 */
import { bytesToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { readEnv } from "../../src/cli/env.ts";
import { decodePaymentHeader, encodePaymentHeader } from "../../src/wire/go/headers.ts";
import { paymentFromProto, paymentToProto } from "../../src/wire/go/payment.ts";
import { type Payment, PaymentSchema, paymentFromJson, paymentToJson } from "../../src/wire/payment.ts";
import { BENCH_ENV } from "../env.ts";

const { BENCH_SECONDS: SECONDS, BENCH_TICKETS: TICKETS } = readEnv(BENCH_ENV, process.env);
const sender = privateKeyToAccount(`0x${"22".repeat(32)}`);
const payment: Payment = {
  sender: sender.address.toLowerCase() as `0x${string}`,
  ticketParams: {
    recipient: "0x1111111111111111111111111111111111111111",
    faceValue: 10n ** 16n,
    winProb: (1n << 250n) + 12345n,
    recipientRandHash: `0x${"ab".repeat(32)}`,
    seed: `0x${"cd".repeat(32)}`,
    expirationBlock: 123_456n,
  },
  expirationParams: { creationRound: 4_000n, creationRoundBlockHash: `0x${"ef".repeat(32)}` },
  expectedPrice: { pricePerUnit: 1200n, pixelsPerUnit: 1n },
  tickets: Array.from({ length: TICKETS }, (_, i) => ({
    senderNonce: BigInt(i + 1),
    sig: bytesToHex(crypto.getRandomValues(new Uint8Array(65))),
  })),
};

function rate(fn: () => unknown): number {
  for (let i = 0; i < 50; i++) fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    fn();
    n++;
  }
  return (n * TICKETS) / ((performance.now() - t0) / 1000);
}

const header = encodePaymentHeader(paymentToProto(payment));
const json = JSON.stringify(paymentToJson(payment));
const check = (p: Payment | null) => {
  if (p?.tickets.length !== TICKETS) throw new Error("decode lost tickets");
};
const jsonRate = rate(() => check(paymentFromJson(PaymentSchema.parse(JSON.parse(json)))));
const pbRate = rate(() => check(paymentFromProto(decodePaymentHeader(header)).payment));
const fmt = (r: number) => `${Math.round(r).toLocaleString("en-US").padStart(10)} tickets/s`;
console.log(`${TICKETS}-ticket payments decoded to the bigint form, ${SECONDS} s each`);
console.log(`payment size: JSON ${json.length} bytes, Livepeer-Payment header ${header.length} bytes`);
console.log(`JSON (baseline)                 ${fmt(jsonRate)}`);
console.log(`protobuf Livepeer-Payment       ${fmt(pbRate)}`);
console.log(`  protobuf / JSON               ${(pbRate / jsonRate).toFixed(2)}x`);
