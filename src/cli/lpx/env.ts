import { envTable, parse } from "../env.ts";

/** The CLI's environment: where the edge is, and the user's key (never a flag). */
export const CLI_ENV = envTable({
  LPX_EDGE_URL: {
    description: "the edge the CLI talks to",
    default: "http://127.0.0.1:8787",
    parse: (s: string) => {
      const u = new URL(s);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("must be an http(s) URL");
      return s.replace(/\/$/, "");
    },
    entries: ["lpx"],
  },
  LPX_RPC_URL: {
    description:
      "JSON-RPC URL of the chain, for writes when the edge runs LEDGER=chain (they are signed here and sent there)",
    parse: (s: string) => {
      const u = new URL(s);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("must be an http(s) URL");
      return s;
    },
    entries: ["lpx"],
  },
  LPX_API_KEY: {
    description: "consumer API key for job commands, when the edge requires one",
    parse: parse.string,
    entries: ["lpx"],
  },
  LPX_PRIVATE_KEY: {
    description: "the signing key for writes (0x + 64 hex); prefer LPX_KEYSTORE",
    parse: (s: string) => {
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(s)) throw new Error("must be 32 bytes of hex");
      return (s.startsWith("0x") ? s : `0x${s}`) as `0x${string}`;
    },
    entries: ["lpx"],
  },
  LPX_KEYSTORE: {
    description: "path of an Ethereum V3 keystore file holding the signing key",
    parse: parse.string,
    entries: ["lpx"],
  },
  LPX_KEYSTORE_PASSWORD: {
    description: "the keystore's password (required with LPX_KEYSTORE)",
    parse: parse.string,
    entries: ["lpx"],
  },
});
