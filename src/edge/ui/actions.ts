import { html } from "hono/html";
import type { Html } from "./layout.ts";

// Forms for protocol writes signed in the browser (client/actions.js). Each form's data-action is
// a staking API action; its inputs are named after the action's args.

export interface ActionField {
  name: string;
  label: string;
  unit?: "LPT" | "ETH" | "percent";
  value?: string;
  optional?: boolean;
  pattern?: string;
}

export interface ActionForm {
  action: string;
  title: string;
  button: string;
  fields: ActionField[];
  note?: string | undefined;
}

const AMOUNT = "\\d+(\\.\\d{1,18})?";
const ADDRESS = "0x[0-9a-fA-F]{40}";
const INTEGER = "\\d+";

export const field = {
  lpt: (name: string, label: string, value?: string): ActionField => ({
    name,
    label,
    unit: "LPT",
    pattern: AMOUNT,
    ...(value !== undefined ? { value } : {}),
  }),
  eth: (name: string, label: string, value?: string): ActionField => ({
    name,
    label,
    unit: "ETH",
    pattern: AMOUNT,
    ...(value !== undefined ? { value } : {}),
  }),
  address: (name: string, label: string, value?: string, optional = false): ActionField => ({
    name,
    label,
    pattern: ADDRESS,
    optional,
    ...(value !== undefined ? { value } : {}),
  }),
  integer: (name: string, label: string, value?: string): ActionField => ({
    name,
    label,
    pattern: INTEGER,
    ...(value !== undefined ? { value } : {}),
  }),
  percent: (name: string, label: string, value?: string): ActionField => ({
    name,
    label,
    unit: "percent",
    pattern: "\\d{1,3}(\\.\\d{1,4})?",
    ...(value !== undefined ? { value } : {}),
  }),
};

function input(f: ActionField): Html {
  return html`<label>${f.label}<input name="${f.name}"${f.unit ? html` data-unit="${f.unit}"` : ""}${
    f.optional ? html` data-optional` : html` required`
  }${f.pattern ? html` pattern="${f.pattern}"` : ""} value="${f.value ?? ""}" autocomplete="off"></label>`;
}

/**
 * The signer panel and the action forms. `chainId` is the EIP-712 domain's chain id on the devnet,
 * the chain's id on the chain ledger, where the wallet sends transactions the edge builds.
 */
export function actionsSection(opts: {
  chainId: number;
  ledger: "devnet" | "chain";
  forms: ActionForm[];
}): Html {
  const forms = opts.forms.map(
    (f) => html`<form class="action" data-action="${f.action}" id="action-${f.action}">
<strong>${f.title}</strong>${f.fields.map(input)}<button type="submit">${f.button}</button>${
      f.note ? html`<small class="muted">${f.note}</small>` : ""
    }</form>`,
  );
  if (opts.ledger === "chain") {
    return html`<h2 id="actions">Act with your own key</h2>
<section id="signer" data-chain-id="${opts.chainId}" data-ledger="chain">
<p class="muted">This node runs on chain ${opts.chainId} and never sends as you: each form asks it for the unsigned transaction (<code>POST /v1/staking/tx/{action}</code>), and your browser wallet (EIP-1193) signs and sends it. Bonding may ask for an LPT approve first.</p>
<p id="action-status" role="status" aria-live="polite"></p>
<div class="actions">${forms}</div>
</section>`;
  }
  return html`<h2 id="actions">Act with your own key</h2>
<section id="signer" data-chain-id="${opts.chainId}" data-ledger="${opts.ledger}">
<p class="muted">Your key never reaches this node: the page signs an EIP-712 request and sends only the signature to the staking API. With a browser wallet (EIP-1193) leave the key empty. On this devnet you may paste a test key.</p>
<label>Test private key (devnet only, stays in this page)<input id="signer-key" type="password" autocomplete="off" pattern="(0x)?[0-9a-fA-F]{64}"></label>
<p id="action-status" role="status" aria-live="polite"></p>
<div class="actions">${forms}</div>
</section>`;
}
