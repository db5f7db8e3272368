import { recoverMessageAddress } from "viem";
import type { LocalAccount } from "viem/accounts";
import type { Address, Hex } from "../../../protocol/types.ts";
import type { OrchestratorInfoJson } from "../../../wire/orchestrator-info.ts";

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The signed message of an OrchestratorInfo: every field but `signature`, as JSON with keys sorted
 * at every level and no whitespace. Amounts are already decimal strings, so the text is exact.
 */
export function canonicalInfo(info: Omit<OrchestratorInfoJson, "signature"> | OrchestratorInfoJson): string {
  const { signature: _omit, ...rest } = info as OrchestratorInfoJson;
  return canonical(rest);
}

/** Signs the canonical encoding with EIP-191 personal_sign. */
export async function signOrchestratorInfo(
  account: Pick<LocalAccount, "signMessage">,
  info: Omit<OrchestratorInfoJson, "signature">,
): Promise<OrchestratorInfoJson> {
  const signature = await account.signMessage({ message: canonicalInfo(info) });
  return { ...info, signature };
}

export type InfoVerifyResult = { ok: true } | { ok: false; code: "INFO_SIGNATURE_INVALID"; message: string };

/**
 * Checks that `info` was signed by its `address` (and by `expected` when given), and that its
 * ticket params name that address as recipient. Failures are values.
 */
export async function verifyOrchestratorInfo(
  info: OrchestratorInfoJson,
  expected?: Address,
): Promise<InfoVerifyResult> {
  const fail = (message: string): InfoVerifyResult => ({
    ok: false,
    code: "INFO_SIGNATURE_INVALID",
    message,
  });
  if (expected !== undefined && expected.toLowerCase() !== info.address.toLowerCase()) {
    return fail(`info is for ${info.address}, expected ${expected}`);
  }
  if (info.ticketParams.recipient.toLowerCase() !== info.address.toLowerCase()) {
    return fail("ticket params name another recipient");
  }
  let signer: Address;
  try {
    signer = await recoverMessageAddress({ message: canonicalInfo(info), signature: info.signature as Hex });
  } catch {
    return fail("signature does not recover");
  }
  if (signer.toLowerCase() !== info.address.toLowerCase())
    return fail(`info signed by ${signer}, not ${info.address}`);
  return { ok: true };
}
