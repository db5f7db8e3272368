import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";
import { bits, bool, explicit, integer, octets, oid, seq, set, tlv, utcTime, utf8String } from "./der.ts";

// go-livepeer orchestrators make a new self-signed ECDSA P-256 certificate at every start; gateways
// never verify it (identity comes from Ethereum signatures). This does the same with node:crypto.

export interface SelfSignedCertificate {
  cert: string;
  key: string;
}

const OID = {
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
};

function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split(".").map(Number));
  // IPv6: expand "::" and write 8 groups of 16 bits.
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = Number.parseInt(g || "0", 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** A fresh key pair and a one-year self-signed CA certificate naming `host` (DNS name or IP). */
export function selfSignedCertificate(host: string, now = new Date()): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const algorithm = seq(oid(OID.ecdsaWithSHA256));
  const name = seq(
    set(seq(oid(OID.organization), utf8String("livepeer-edge"))),
    set(seq(oid(OID.commonName), utf8String(host))),
  );
  const bare = host.replace(/^\[|\]$/g, "");
  const altName = isIP(bare) ? tlv(0x87, ipBytes(bare)) : tlv(0x82, new TextEncoder().encode(bare));
  const extensions = explicit(
    3,
    seq(
      seq(oid(OID.basicConstraints), bool(true), octets(seq(bool(true)))),
      // digitalSignature (bit 0) and keyCertSign (bit 5): 1000 0100, no unused bits needed.
      seq(oid(OID.keyUsage), bool(true), octets(tlv(0x03, Uint8Array.of(2, 0x84)))),
      seq(oid(OID.extKeyUsage), octets(seq(oid(OID.serverAuth)))),
      seq(oid(OID.subjectAltName), octets(seq(altName))),
    ),
  );
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  const tbs = seq(
    explicit(0, integer(Uint8Array.of(2))), // v3
    integer(serial),
    algorithm,
    name,
    seq(utcTime(new Date(now.getTime() - 60_000)), utcTime(notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = new Uint8Array(sign("sha256", tbs, { key: privateKey, dsaEncoding: "der" }));
  const der = seq(tbs, algorithm, bits(signature));
  const pem = (label: string, b: Uint8Array) =>
    `-----BEGIN ${label}-----\n${Buffer.from(b)
      .toString("base64")
      .replace(/(.{64})/g, "$1\n")
      .replace(/\n$/, "")}\n-----END ${label}-----\n`;
  const key = createPrivateKey(privateKey.export({ type: "pkcs8", format: "pem" }))
    .export({ type: "pkcs8", format: "pem" })
    .toString();
  return { cert: pem("CERTIFICATE", der), key };
}
