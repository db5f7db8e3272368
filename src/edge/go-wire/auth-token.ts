import { create } from "@bufbuild/protobuf";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "viem";
import { type AuthToken, AuthTokenSchema } from "../../wire/go/gen/net/lp_rpc_pb.ts";
import { GO_TEXT } from "../../wire/go/status.ts";

/** go-livepeer's auth token life: gateways refresh at 90 % of it. */
export const AUTH_TOKEN_TTL_SEC = 30 * 60;

const utf8 = new TextEncoder();

/**
 * Auth tokens as go-livepeer makes them: token = HMAC-SHA256(secret, session_id ‖ uint64be
 * expiration). Stateless: any token this secret made verifies until it expires.
 */
export class AuthTokens {
  constructor(
    private readonly secret: Uint8Array,
    private readonly nowMs: () => number,
    private readonly ttlSec = AUTH_TOKEN_TTL_SEC,
  ) {}

  /** A new session with its token. */
  issue(): AuthToken {
    const sessionId = bytesToHex(crypto.getRandomValues(new Uint8Array(16))).slice(2);
    const expiration = BigInt(Math.floor(this.nowMs() / 1000) + this.ttlSec);
    return create(AuthTokenSchema, { sessionId, expiration, token: this.mac(sessionId, expiration) });
  }

  /** Null when the token is this node's and unexpired, else go-livepeer's refusal text. */
  check(t: AuthToken | undefined): string | null {
    if (!t) return GO_TEXT.missingAuthToken;
    const want = this.mac(t.sessionId, t.expiration);
    if (!equalBytes(want, t.token)) return GO_TEXT.invalidAuthToken;
    if (BigInt(Math.floor(this.nowMs() / 1000)) > t.expiration) return GO_TEXT.expiredAuthToken;
    return null;
  }

  private mac(sessionId: string, expiration: bigint): Uint8Array {
    const sid = utf8.encode(sessionId);
    const msg = new Uint8Array(sid.length + 8);
    msg.set(sid, 0);
    new DataView(msg.buffer).setBigUint64(sid.length, BigInt.asUintN(64, expiration));
    return hmac(sha256, this.secret, msg);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
