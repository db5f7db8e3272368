import { html } from "hono/html";
import type { DelegatorEarnings } from "../services/dashboard/delegator-earnings.ts";
import type { DelegatorDetail } from "../services/protocol/delegators.ts";
import { actionsSection, field } from "./actions.ts";
import { chart, tokens } from "./chart.ts";
import { formatUnits } from "./format.ts";
import { type Html, layout } from "./layout.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

/** The address form: GET /dashboard/delegators?address=0x… */
export function delegatorLookupPage(): Html {
  const body = html`<h1>Delegator</h1>
<form class="filters" method="get" action="/dashboard/delegators">
<label>Delegator address<input name="address" size="44" required pattern="0x[0-9a-fA-F]{40}" placeholder="0x…"></label>
<button type="submit">Show</button>
</form>`;
  return layout({ title: "Delegator", path: "/dashboard/delegators", body });
}

export interface DelegatorExtras {
  earnings: DelegatorEarnings;
  chainId: number;
  ledger: "devnet" | "chain";
}

const lpt = (v: bigint) => formatUnits(v, "LPT");
const eth = (v: bigint) => formatUnits(v, "ETH", 6);

function earningsSection(address: string, e: DelegatorEarnings): Html {
  const rows = [...e.rounds].reverse().map(
    (
      r,
    ) => html`<tr data-round="${r.round.toString()}" data-stake="${r.stake.toString()}" data-reward="${r.reward.toString()}">
<td class="num">${r.round.toString()}</td><td class="num">${lpt(r.reward)}</td><td class="num">${eth(r.fee)}</td><td class="num">${lpt(r.stake)}</td><td class="num">${eth(r.fees)}</td></tr>`,
  );
  const claims = e.claims.map(
    (c) =>
      html`<tr><td class="num">${c.startRound.toString()}–${c.endRound.toString()}</td><td><code>${c.delegate}</code></td><td class="num">${lpt(c.rewards)}</td><td class="num">${eth(c.fees)}</td></tr>`,
  );
  return html`<h2>Earnings per round</h2>
<p><a id="csv" href="/dashboard/delegators/${address}/earnings.csv" download>Download CSV</a> · <a id="simulate" href="/dashboard/delegators/${address}/simulate">What if…? (simulator)</a></p>
${
  e.rounds.length === 0
    ? html`<p class="muted" id="no-rounds">No round since the last claim.</p>`
    : html`${chart({
        id: "stake-chart",
        title: "Pending stake at each round's end (LPT)",
        x: e.rounds.map((r) => r.round),
        unit: "LPT",
        series: [{ label: "pending stake", values: e.rounds.map((r) => tokens(r.stake)) }],
      })}
<div class="scroll" tabindex="0"><table id="earnings"><thead><tr><th scope="col" class="num">Round</th><th scope="col" class="num">Reward</th><th scope="col" class="num">Fees</th><th scope="col" class="num">Pending stake</th><th scope="col" class="num">Pending fees</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}
${
  e.claims.length === 0
    ? ""
    : html`<h3>Earlier claims</h3><div class="scroll" tabindex="0"><table id="claims"><thead><tr><th scope="col" class="num">Rounds</th><th scope="col">Orchestrator</th><th scope="col" class="num">Rewards</th><th scope="col" class="num">Fees</th></tr></thead><tbody>${claims}</tbody></table></div>`
}`;
}

export function delegatorPage(d: DelegatorDetail, extra: DelegatorExtras): Html {
  const warning = d.warning
    ? html`<p class="card bad" id="claim-warning" role="alert" data-code="${d.warning.code}"><strong>Do not claim yet.</strong> ${d.warning.message}</p>`
    : html`<p class="muted" id="claim-ok">Claiming now is safe: your orchestrator has called reward() this round, or is not active in it.</p>`;
  const locks = d.unbondingLocks.map(
    (l) => html`<tr data-lock="${l.id}" data-withdrawable="${String(l.withdrawable)}">
<td class="num">${l.id}</td><td class="num" data-amount="${l.amount}">${formatUnits(BigInt(l.amount), "LPT")}</td>
<td class="num">${l.withdrawRound}</td>
<td>${l.withdrawable ? html`<span class="ok">withdrawable now</span>` : html`in ${(BigInt(l.withdrawRound) - BigInt(d.currentRound)).toString()} rounds`}</td>
</tr>`,
  );
  const delegate =
    d.delegateAddress === ZERO
      ? html`<span class="muted">none</span>`
      : html`<a href="/dashboard/orchestrators/${d.delegateAddress}"><code>${d.delegateAddress}</code></a>`;
  const body = html`<h1>Delegator <code>${d.address}</code></h1>
${warning}
<section class="cards">
<dl class="card" id="bond">
<dt>Status</dt><dd data-value="${d.status}">${d.status}</dd>
<dt>Delegated to</dt><dd data-value="${d.delegateAddress}">${delegate}</dd>
<dt>Bonded</dt><dd data-value="${d.bondedAmount}">${formatUnits(BigInt(d.bondedAmount), "LPT")}</dd>
<dt>Last claim round</dt><dd data-value="${d.lastClaimRound}">${d.lastClaimRound}</dd>
</dl>
<dl class="card" id="pending">
<dt>Pending stake</dt><dd data-value="${d.pendingStake}">${formatUnits(BigInt(d.pendingStake), "LPT")}</dd>
<dt>Pending fees</dt><dd data-value="${d.pendingFees}">${formatUnits(BigInt(d.pendingFees), "ETH", 6)}</dd>
<dt>Current round</dt><dd data-value="${d.currentRound}">${d.currentRound}</dd>
</dl>
</section>
<h2>Unbonding locks</h2>
${
  d.unbondingLocks.length === 0
    ? html`<p class="muted" id="no-locks">None.</p>`
    : html`<div class="scroll" tabindex="0"><table id="locks">
<thead><tr><th scope="col" class="num">Lock</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Withdraw round</th><th scope="col">When</th></tr></thead>
<tbody>${locks}</tbody></table></div>`
}
${earningsSection(d.address, extra.earnings)}
${actionsSection({
  chainId: extra.chainId,
  ledger: extra.ledger,
  forms: [
    {
      action: "bond",
      title: "Bond",
      button: "Bond",
      fields: [
        field.lpt("amount", "Amount (LPT)"),
        field.address("to", "Orchestrator", d.delegateAddress === ZERO ? "" : d.delegateAddress),
      ],
      note: d.warning ? "Bonding claims first: see the warning above." : undefined,
    },
    { action: "unbond", title: "Unbond", button: "Unbond", fields: [field.lpt("amount", "Amount (LPT)")] },
    {
      action: "rebond",
      title: "Rebond an unbonding lock",
      button: "Rebond",
      fields: [
        field.integer("lockId", "Lock"),
        field.address("to", "Orchestrator (when unbonded)", "", true),
      ],
    },
    {
      action: "withdrawStake",
      title: "Withdraw stake",
      button: "Withdraw stake",
      fields: [field.integer("lockId", "Lock")],
    },
    {
      action: "withdrawFees",
      title: "Withdraw fees",
      button: "Withdraw fees",
      fields: [field.address("recipient", "Recipient", d.address), field.eth("amount", "Amount (ETH)")],
    },
    { action: "claimEarnings", title: "Claim earnings", button: "Claim", fields: [] },
  ],
})}`;
  return layout({
    title: `Delegator ${d.address}`,
    path: `/dashboard/delegators/${d.address}`,
    body,
    charts: extra.earnings.rounds.length > 0,
    actions: true,
  });
}
