// The texts go-livepeer's orchestrator answers with. Gateways match on them (retry, fail over),
// so they are copied exactly; http.Error adds the trailing newline on plain HTTP replies.

export const GO_TEXT = {
  // gRPC GetOrchestrator
  reqSigCheckFailed: "Invalid orchestrator request: orchestrator req sig check failed",
  // /segment credentials (403)
  segEncoding: "ErrorSegEncoding",
  segSig: "ErrSegSig",
  capCompat: "incompatible capabilities",
  missingAuthToken: "missing auth token",
  invalidAuthToken: "invalid auth token",
  expiredAuthToken: "expired auth token",
  orchCapped: "OrchestratorCapped",
  orchBusy: "OrchestratorBusy",
  invalidDuration: "invalid duration",
  // /segment body hash mismatch (403)
  forbidden: "Forbidden",
  // balance (400)
  insufficientBalance: "Insufficient balance",
  // payment processing (400)
  ticketParamsExpired: "TicketParams expired",
  nonceAlreadySeen: "invalid ticket senderNonce: already seen",
  nonceTooMany: "invalid ticket senderNonce: too many values",
  invalidRecipientRand: "invalid recipientRand for ticket recipientRandHash",
  invalidTicketSignature: "invalid ticket signature",
  invalidTicketRecipient: "invalid ticket recipient",
  invalidTicketFaceValue: "invalid ticket faceValue",
  invalidTicketWinProb: "invalid ticket winProb",
  invalidExpectedPrice: "invalid expected price",
  // AI (503)
  insufficientCapacity: "insufficient capacity",
} as const;

export type GoText = (typeof GO_TEXT)[keyof typeof GO_TEXT];

/** The body of go's http.Error: the text and a newline. */
export function goErrorBody(text: string): string {
  return `${text}\n`;
}

/** The go-livepeer version this node reports in Capabilities.version. */
export const GO_WIRE_VERSION = "0.9.1";
