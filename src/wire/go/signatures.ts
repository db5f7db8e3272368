import {
  type Address,
  bytesToHex,
  getAddress,
  type Hex,
  hashMessage,
  keccak256,
  type LocalAccount,
  recoverAddress,
} from "viem";
import { concatBytes, u256 } from "./bytes.ts";

// The exact signed inputs of go-livepeer's gateway ↔ orchestrator hop. Every signature is a
// 65-byte r‖s‖v (v ∈ {27, 28}, low s) EIP-191 personal_sign over a 32-byte hash H.

const utf8 = new TextEncoder();
const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** H for OrchestratorRequest.sig: keccak256 of the gateway's checksummed 0x address string. */
export function orchestratorRequestHash(gateway: Address): Uint8Array {
  return keccak256(utf8.encode(getAddress(gateway)), "bytes");
}

/** The profile-name digest SegData signs: lower-case hex of the first 4 bytes of keccak(name), concatenated. */
export function profilesDigestString(profileNames: readonly string[]): string {
  return profileNames
    .map((n) => bytesToHex(keccak256(utf8.encode(n), "bytes").subarray(0, 4)).slice(2))
    .join("");
}

/** The bytes SegData.sig hashes: manifestId ‖ leftpad32(seq) ‖ hash32 ‖ utf8(profiles digest). */
export function segDataSignedBytes(seg: {
  manifestId: Uint8Array;
  seq: bigint;
  hash: Uint8Array;
  profileNames: readonly string[];
}): Uint8Array {
  if (seg.hash.length !== 32) throw new RangeError("segment hash must be 32 bytes");
  return concatBytes([
    seg.manifestId,
    u256(seg.seq),
    seg.hash,
    utf8.encode(profilesDigestString(seg.profileNames)),
  ]);
}

/** H for SegData.sig. */
export function segDataHash(seg: Parameters<typeof segDataSignedBytes>[0]): Uint8Array {
  return keccak256(segDataSignedBytes(seg), "bytes");
}

/** H for TranscodeData.sig: keccak256 of the keccak256 of every rendition, in profile order. */
export function transcodeResultHash(renditions: readonly Uint8Array[]): Uint8Array {
  return keccak256(concatBytes(renditions.map((r) => keccak256(r, "bytes"))), "bytes");
}

/** H for a Ping reply: keccak256 of the ping value. */
export function pingHash(value: Uint8Array): Uint8Array {
  return keccak256(value, "bytes");
}

/** Signs a 32-byte H with EIP-191 personal_sign; returns the 65 signature bytes. */
export async function signHash(
  account: Pick<LocalAccount, "signMessage">,
  h: Uint8Array,
): Promise<Uint8Array> {
  const sig = await account.signMessage({ message: { raw: h } });
  return hexToSigBytes(sig);
}

function hexToSigBytes(h: Hex): Uint8Array {
  const out = new Uint8Array((h.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 + i * 2, 4 + i * 2), 16);
  return out;
}

/**
 * The signer of `sig` over H (EIP-191), after go-livepeer's shape checks (65 bytes, v ∈ {27, 28},
 * low s); null when the signature is malformed or recovers nothing.
 */
export async function recoverHashSigner(h: Uint8Array, sig: Uint8Array): Promise<Address | null> {
  if (sig.length !== 65) return null;
  const v = sig[64]!;
  if (v !== 27 && v !== 28) return null;
  const s = BigInt(bytesToHex(sig.subarray(32, 64)));
  if (s === 0n || s > SECP256K1_HALF_N) return null;
  try {
    const signer = await recoverAddress({ hash: hashMessage({ raw: h }), signature: bytesToHex(sig) });
    return signer.toLowerCase() as Address;
  } catch {
    return null;
  }
}

/** True when `sig` is `signer`'s EIP-191 signature of H. */
export async function verifyHashSignature(h: Uint8Array, sig: Uint8Array, signer: Address): Promise<boolean> {
  const got = await recoverHashSigner(h, sig);
  return got !== null && got === signer.toLowerCase();
}
