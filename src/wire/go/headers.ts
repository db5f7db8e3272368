import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { type Payment, PaymentSchema, type SegData, SegDataSchema } from "./gen/net/lp_rpc_pb.ts";

// Livepeer-Segment and Livepeer-Payment carry standard base64 of protobuf SegData / Payment.

export const SEGMENT_HEADER = "Livepeer-Segment";
export const PAYMENT_HEADER = "Livepeer-Payment";
/** The Authorization value AI gateways send (and that selects /stream/ URLs over data URLs). */
export const AI_WORKER_AUTH = "Livepeer-AI-Worker-1.0";

const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function strictBase64(s: string): Uint8Array {
  if (s.length % 4 !== 0 || !STD_BASE64.test(s)) throw new Error("illegal base64 data");
  return base64Decode(s);
}

export function encodeSegDataHeader(seg: SegData): string {
  return base64Encode(toBinary(SegDataSchema, seg));
}

/** Decodes a Livepeer-Segment value; throws on bad base64 or protobuf. */
export function decodeSegDataHeader(value: string): SegData {
  return fromBinary(SegDataSchema, strictBase64(value.trim()));
}

export function encodePaymentHeader(payment: Payment): string {
  return base64Encode(toBinary(PaymentSchema, payment));
}

/** Decodes a Livepeer-Payment value; an empty value is an empty Payment (off-chain gateways). */
export function decodePaymentHeader(value: string): Payment {
  return fromBinary(PaymentSchema, strictBase64(value.trim()));
}
