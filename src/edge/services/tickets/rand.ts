import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "../../../protocol/bytes.ts";
import { deriveRecipientRand } from "../../../protocol/commit-reveal.ts";
import type { Address } from "../../../protocol/types.ts";
import type { PriceInfo, TicketParams } from "../../../wire/payment.ts";

const LABEL = new TextEncoder().encode("livepeer-edge/recipient-secret/");

/**
 * Each hosted identity derives recipientRand from its own sub-secret HMAC(ticketSecret, label ‖
 * recipient), so params one identity issued never validate for another one on the same edge.
 */
export function recipientSecret(ticketSecret: Uint8Array, recipient: Address): Uint8Array {
  const addr = hexToBytes(recipient.toLowerCase());
  const msg = new Uint8Array(LABEL.length + addr.length);
  msg.set(LABEL, 0);
  msg.set(addr, LABEL.length);
  return hmac(sha256, ticketSecret, msg);
}

/**
 * recipientRand for these params, sender and expected price (the commit-reveal of winning
 * tickets), from the secret of the hosted identity that issued them.
 */
export function recipientRandFor(
  hosted: { recipientSecret: Uint8Array },
  sender: Address,
  params: Pick<TicketParams, "faceValue" | "winProb" | "seed" | "expirationBlock">,
  price: PriceInfo,
): bigint {
  return deriveRecipientRand(hosted.recipientSecret, {
    seed: BigInt(params.seed),
    sender,
    faceValue: params.faceValue,
    winProb: params.winProb,
    expirationBlock: params.expirationBlock,
    pricePerUnit: price.pricePerUnit,
    pixelsPerUnit: price.pixelsPerUnit,
  });
}
