import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "../../../protocol/bytes.ts";
import { deriveRecipientRand } from "../../../protocol/commit-reveal.ts";
import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";
import type { PriceInfo, TicketParams } from "./payment-schema.ts";

const secrets = new WeakMap<Uint8Array, Map<string, Uint8Array>>();
const LABEL = new TextEncoder().encode("livepeer-edge/recipient-secret/");

/**
 * Each hosted identity derives recipientRand from its own sub-secret HMAC(ticketSecret, label ‖
 * recipient), so params one identity issued never validate for another one on the same edge.
 */
function recipientSecret(ticketSecret: Uint8Array, recipient: Address): Uint8Array {
  let byRecipient = secrets.get(ticketSecret);
  if (!byRecipient) {
    byRecipient = new Map();
    secrets.set(ticketSecret, byRecipient);
  }
  const key = recipient.toLowerCase();
  let s = byRecipient.get(key);
  if (!s) {
    const addr = hexToBytes(key);
    const msg = new Uint8Array(LABEL.length + addr.length);
    msg.set(LABEL, 0);
    msg.set(addr, LABEL.length);
    s = hmac(sha256, ticketSecret, msg);
    byRecipient.set(key, s);
  }
  return s;
}

/**
 * recipientRand for these params, sender and expected price (docs/protocol.md#ticket-parameters,
 * commit-reveal).
 */
export function recipientRandFor(
  deps: Pick<AppDeps, "keys">,
  sender: Address,
  params: Pick<TicketParams, "recipient" | "faceValue" | "winProb" | "seed" | "expirationBlock">,
  price: PriceInfo,
): bigint {
  return deriveRecipientRand(recipientSecret(deps.keys.ticketSecret, params.recipient), {
    seed: BigInt(params.seed),
    sender,
    faceValue: params.faceValue,
    winProb: params.winProb,
    expirationBlock: params.expirationBlock,
    pricePerUnit: price.pricePerUnit,
    pixelsPerUnit: price.pixelsPerUnit,
  });
}
