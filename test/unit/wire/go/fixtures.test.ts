import { describe, expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { bytesToHex, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { keccak256 as projectKeccak } from "../../../../src/protocol/keccak.ts";
import { ticketHash as protocolTicketHash } from "../../../../src/protocol/ticket.ts";
import {
  OrchestratorRequestSchema,
  TicketParamsSchema,
  TicketSenderParamsSchema,
} from "../../../../src/wire/go/gen/net/lp_rpc_pb.ts";
import {
  orchestratorRequestHash,
  profilesDigestString,
  recoverHashSigner,
  segDataHash,
  segDataSignedBytes,
  signHash,
  transcodeResultHash,
  verifyHashSignature,
} from "../../../../src/wire/go/signatures.ts";
import { ticketHash, ticketSignedBytes } from "../../../../src/wire/go/tickets.ts";

// Bytes written out by hand from go-livepeer's field numbers and signature inputs, so a change in
// the .proto or the signing code that still round-trips with itself is caught.

// The well-known anvil/hardhat development key 0: never holds real funds.
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const GATEWAY = privateKeyToAccount(KEY);
const CHECKSUMMED = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (h: string) => hexToBytes(`0x${h.replaceAll(" ", "")}`);

// RFC 6979 makes the signature deterministic: this is the one for KEY over H(request).
const REQUEST_SIG =
  "47d66008c2c5b0671b8e7b43b62245ae9c4ba5f6ff7e94328b68eb45090cb108" +
  "0815dec67a20bdec15ce794c9ce271fa8e6552d6b0976ab7a0b92d5516b32ef3" +
  "1c";

describe("OrchestratorRequest fixture", () => {
  test("H is keccak256 of the 42-character checksummed address string", () => {
    const h = orchestratorRequestHash(GATEWAY.address.toLowerCase() as `0x${string}`);
    expect(bytesToHex(h)).toBe(bytesToHex(projectKeccak(utf8(CHECKSUMMED))));
    expect(bytesToHex(h)).toBe("0xdb2ec52069cba65d62a560cad9088e7a709d09e7c14b33d740b428038e383e34");
    // The lower-case string would be a different hash: the checksum matters.
    expect(bytesToHex(h)).not.toBe(bytesToHex(projectKeccak(utf8(CHECKSUMMED.toLowerCase()))));
  });

  test("the known key signs H to the pinned EIP-191 signature, which recovers the gateway", async () => {
    const h = orchestratorRequestHash(GATEWAY.address);
    const sig = await signHash(GATEWAY, h);
    expect(bytesToHex(sig)).toBe(`0x${REQUEST_SIG}`);
    expect(sig[64]).toBe(28);
    expect(await recoverHashSigner(h, sig)).toBe(GATEWAY.address.toLowerCase() as `0x${string}`);
  });

  // 0a 14 <address> · 12 41 <sig> · 1a 0d { 0a 04 <varint 0x4005FFF> · 22 05 "0.9.1" }
  const wire = hex(
    `0a14 f39fd6e51aad88f6f4ce6ab8827279cfffb92266 1241 ${REQUEST_SIG} 1a0d 0a04ffbf8120 2205 302e392e31`,
  );

  test("encodes to the hand-written bytes", () => {
    const msg = create(OrchestratorRequestSchema, {
      address: hexToBytes(GATEWAY.address),
      sig: hex(REQUEST_SIG),
      capabilities: { bitstring: [0x4005fffn], version: "0.9.1" },
    });
    expect(bytesToHex(toBinary(OrchestratorRequestSchema, msg))).toBe(bytesToHex(wire));
  });

  test("decodes from the hand-written bytes and its signature verifies", async () => {
    const msg = fromBinary(OrchestratorRequestSchema, wire);
    expect(bytesToHex(msg.address)).toBe(GATEWAY.address.toLowerCase() as `0x${string}`);
    expect(msg.capabilities?.bitstring).toEqual([0x4005fffn]);
    expect(msg.capabilities?.version).toBe("0.9.1");
    expect(msg.ignoreCapacityCheck).toBe(false);
    const h = orchestratorRequestHash(bytesToHex(msg.address));
    expect(await verifyHashSignature(h, msg.sig, GATEWAY.address)).toBe(true);
    const tampered = msg.sig.slice();
    tampered[10] = tampered[10]! ^ 1;
    expect(await verifyHashSignature(h, tampered, GATEWAY.address)).toBe(false);
  });

  test("a high-s twin or a v outside {27, 28} is refused", async () => {
    const h = orchestratorRequestHash(GATEWAY.address);
    const sig = hex(REQUEST_SIG);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(bytesToHex(sig.subarray(32, 64)));
    const twin = sig.slice();
    twin.set(hexToBytes(`0x${(n - s).toString(16).padStart(64, "0")}`), 32);
    twin[64] = sig[64] === 27 ? 28 : 27;
    expect(await recoverHashSigner(h, twin)).toBeNull();
    const v0 = sig.slice();
    v0[64] = 1;
    expect(await recoverHashSigner(h, v0)).toBeNull();
  });
});

describe("SegData signature input", () => {
  test("profile digest: first 4 bytes of keccak(name), lower-case hex, concatenated", () => {
    const expected = ["P240p30fps16x9", "P360p30fps16x9"]
      .map((n) => bytesToHex(projectKeccak(utf8(n)).subarray(0, 4)).slice(2))
      .join("");
    expect(profilesDigestString(["P240p30fps16x9", "P360p30fps16x9"])).toBe(expected);
    expect(expected).toBe("c0a6517a93c717e7");
  });

  test("bytes are manifestId ‖ leftpad32(seq) ‖ hash ‖ utf8(digest)", () => {
    const hash = new Uint8Array(32).fill(0xab);
    const bytes = segDataSignedBytes({
      manifestId: utf8("mid"),
      seq: 258n,
      hash,
      profileNames: ["P240p30fps16x9"],
    });
    const expected = hex(
      `6d6964 ${"00".repeat(30)}0102 ${"ab".repeat(32)} ${bytesToHex(utf8("c0a6517a")).slice(2)}`,
    );
    expect(bytesToHex(bytes)).toBe(bytesToHex(expected));
    expect(
      bytesToHex(segDataHash({ manifestId: utf8("mid"), seq: 258n, hash, profileNames: ["P240p30fps16x9"] })),
    ).toBe(bytesToHex(projectKeccak(expected)));
  });

  test("no profiles (AI) signs an empty digest", () => {
    const hash = projectKeccak(new Uint8Array(0));
    const bytes = segDataSignedBytes({ manifestId: utf8("27_m"), seq: 0n, hash, profileNames: [] });
    expect(bytes.length).toBe(4 + 32 + 32);
  });
});

describe("result signature input", () => {
  test("H = keccak(keccak(r0) ‖ keccak(r1)), in profile order", () => {
    const r0 = utf8("rendition zero");
    const r1 = utf8("rendition one");
    const inner = new Uint8Array(64);
    inner.set(projectKeccak(r0), 0);
    inner.set(projectKeccak(r1), 32);
    expect(bytesToHex(transcodeResultHash([r0, r1]))).toBe(bytesToHex(projectKeccak(inner)));
    expect(bytesToHex(transcodeResultHash([r1, r0]))).not.toBe(bytesToHex(projectKeccak(inner)));
  });
});

describe("ticket signature input", () => {
  const base = {
    recipient: "0x1111111111111111111111111111111111111111",
    sender: "0x2222222222222222222222222222222222222222",
    faceValue: 1000n,
    winProb: 5n,
    senderNonce: 3n,
    recipientRandHash: `0x${"44".repeat(32)}`,
    creationRound: 9n,
    creationRoundBlockHash: `0x${"55".repeat(32)}`,
  } as const;

  test("packed bytes with auxData, equal to the TicketBroker hash the project redeems with", () => {
    const expected = hex(
      `${"11".repeat(20)} ${"22".repeat(20)} ${"00".repeat(30)}03e8 ${"00".repeat(31)}05 ${"00".repeat(31)}03 ${"44".repeat(32)} ${"00".repeat(31)}09 ${"55".repeat(32)}`,
    );
    expect(bytesToHex(ticketSignedBytes(base))).toBe(bytesToHex(expected));
    expect(bytesToHex(ticketHash(base))).toBe(protocolTicketHash(base));
  });

  test("auxData is empty when the round and block hash are both zero", () => {
    const t = { ...base, creationRound: 0n, creationRoundBlockHash: `0x${"00".repeat(32)}` } as const;
    expect(ticketSignedBytes(t).length).toBe(20 + 20 + 32 * 4);
    expect(bytesToHex(ticketHash(t))).toBe(protocolTicketHash(t));
  });

  test("TicketParams big integers travel as minimal big-endian bytes", () => {
    // 12 01 00 would be a leading zero: faceValue 1000 is exactly 03 e8; zero win prob is omitted.
    const msg = create(TicketParamsSchema, { faceValue: hex("03e8") });
    expect(bytesToHex(toBinary(TicketParamsSchema, msg))).toBe("0x120203e8");
    const sender = create(TicketSenderParamsSchema, { senderNonce: 300, sig: new Uint8Array(0) });
    expect(bytesToHex(toBinary(TicketSenderParamsSchema, sender))).toBe("0x08ac02");
  });
});
