// The same winning ticket for either side; only the creation round's block hash differs.
import type { HDAccount } from "viem/accounts";
import { MAX_UINT256 } from "../../../src/protocol/bytes.ts";
import { recipientRandHash } from "../../../src/protocol/commit-reveal.ts";
import { signTicket } from "../../../src/protocol/signature.ts";
import { ticketHash } from "../../../src/protocol/ticket.ts";
import type { Address, Hex, Ticket } from "../../../src/protocol/types.ts";

export async function buildTicket(
  sender: HDAccount,
  recipient: Address,
  faceValue: bigint,
  nonce: bigint,
  round: bigint,
  blockHash: Hex,
): Promise<{ ticket: Ticket; sig: Hex; rand: bigint; hash: Hex }> {
  const rand = 0x5eed_0000n + nonce;
  const ticket: Ticket = {
    recipient,
    sender: sender.address,
    faceValue,
    winProb: MAX_UINT256,
    senderNonce: nonce,
    recipientRandHash: recipientRandHash(rand),
    creationRound: round,
    creationRoundBlockHash: blockHash,
  };
  return { ticket, sig: await signTicket(sender, ticket), rand, hash: ticketHash(ticket) };
}
