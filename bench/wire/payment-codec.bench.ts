/**
 * Tickets per second through the two payment wire formats, on one core: this project's JSON
 * `Payment` (paymentToJson, JSON text, schema check, paymentFromJson) against go-livepeer's
 * protobuf `Livepeer-Payment` header (paymentToProto, binary, base64, decode, paymentFromProto).
 * Both carry the same BENCH_TICKETS signed tickets on one set of params; the figure is tickets
 * encoded and decoded per second, the signing (the same for both) left out, then the whole
 * gateway-side cost with signing in, so the ratio shows what the format changes.
 *   npx bun run bench/index.ts payment-codec
 */

import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { readEnv } from "../../src/cli/env.ts";
import { signTicket } from "../../src/protocol/signature.ts";
import type { Hex, Ticket } from "../../src/protocol/types.ts";
import { decodePaymentHeader, encodePaymentHeader } from "../../src/wire/go/headers.ts";
import { paymentFromProto, paymentToProto } from "../../src/wire/go/payment.ts";
import { type Payment, PaymentSchema, paymentFromJson, paymentToJson } from "../../src/wire/payment.ts";
import { BENCH_ENV } from "../env.ts";
import { cpuMs, fmt, rate } from "../tickets/measure.ts";

const { BENCH_TICKETS: TICKETS } = readEnv(BENCH_ENV, process.env);
const sender = privateKeyToAccount(generatePrivateKey());
const recipient = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Hex;
const base: Omit<Ticket, "senderNonce"> = {
  recipient: recipient as Ticket["recipient"],
  sender: sender.address.toLowerCase() as Ticket["sender"],
  faceValue: 12_000_000_000_000_000n,
  winProb: 96_490_297_899_383_906_595_082_263_802_360_510_345_162_967_182_861_130_218_620n,
  recipientRandHash: `0x${"ab".repeat(32)}` as Hex,
  creationRound: 12n,
  creationRoundBlockHash: `0x${"ef".repeat(32)}` as Hex,
};

async function payment(n: number): Promise<Payment> {
  const tickets: Payment["tickets"] = [];
  for (let nonce = 1n; nonce <= BigInt(n); nonce++) {
    tickets.push({ senderNonce: nonce, sig: await signTicket(sender, { ...base, senderNonce: nonce }) });
  }
  return {
    sender: base.sender,
    ticketParams: {
      recipient: base.recipient,
      faceValue: base.faceValue,
      winProb: base.winProb,
      recipientRandHash: base.recipientRandHash,
      seed: `0x${"cd".repeat(32)}` as Hex,
      expirationBlock: 1040n,
    },
    expirationParams: {
      creationRound: base.creationRound,
      creationRoundBlockHash: base.creationRoundBlockHash,
    },
    expectedPrice: { pricePerUnit: 1200n, pixelsPerUnit: 1n },
    tickets,
  };
}

const p = await payment(TICKETS);
const json = () => {
  const text = JSON.stringify(paymentToJson(p));
  return paymentFromJson(PaymentSchema.parse(JSON.parse(text)));
};
const proto = () => {
  const header = encodePaymentHeader(paymentToProto(p));
  return paymentFromProto(decodePaymentHeader(header)).payment;
};
// Both decode to the same payment.
const a = json();
const b = proto()!;
if (JSON.stringify(paymentToJson(a)) !== JSON.stringify(paymentToJson(b)))
  throw new Error("formats disagree");

const jsonRate = rate([0], json, 2, cpuMs) * TICKETS;
const protoRate = rate([0], proto, 2, cpuMs) * TICKETS;
const jsonBytes = JSON.stringify(paymentToJson(p)).length;
const protoBytes = encodePaymentHeader(paymentToProto(p)).length;

// With signing: the gateway's whole cost of one payment, signed then encoded (and decoded).
const t0 = cpuMs();
let signed = 0;
while (cpuMs() - t0 < 2000) {
  const q = await payment(TICKETS);
  JSON.stringify(paymentToJson(q));
  signed++;
}
const signRate = (signed * TICKETS * 1000) / (cpuMs() - t0);

const runtime = typeof Bun !== "undefined" ? "bun" : "node";
console.log(`payment wire formats (${runtime}), ${TICKETS} tickets a payment, CPU time, best of 3`);
console.log(
  `  JSON Payment (encode + parse + schema + convert):      ${fmt(jsonRate)} tickets/s, ${jsonBytes} bytes`,
);
console.log(
  `  protobuf Livepeer-Payment (encode + base64 + decode):  ${fmt(protoRate)} tickets/s, ${protoBytes} bytes`,
);
console.log(
  `  protobuf / JSON: ${(protoRate / jsonRate).toFixed(2)}× the tickets per second, ${(protoBytes / jsonBytes).toFixed(2)}× the bytes`,
);
const us = (r: number) => (1e6 / r).toFixed(2);
console.log(
  `  per ticket: signing (viem, one signMessage) and JSON encoding ${us(signRate)} µs, JSON format ${us(jsonRate)} µs, protobuf format ${us(protoRate)} µs`,
);
