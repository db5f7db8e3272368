import { html } from "hono/html";
import type { DelegatorDetail } from "../services/protocol/delegators.ts";
import { formatUnits } from "./format.ts";
import { type Html, layout } from "./layout.ts";

/** The address form: GET /dashboard/delegators?address=0x… */
export function delegatorLookupPage(): Html {
  const body = html`<h1>Delegator</h1>
<form class="filters" method="get" action="/dashboard/delegators">
<label>Delegator address<input name="address" size="44" required pattern="0x[0-9a-fA-F]{40}" placeholder="0x…"></label>
<button type="submit">Show</button>
</form>`;
  return layout({ title: "Delegator", path: "/dashboard/delegators", body });
}

export function delegatorPage(d: DelegatorDetail): Html {
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
    d.delegateAddress === "0x0000000000000000000000000000000000000000"
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
    : html`<div class="scroll"><table id="locks">
<thead><tr><th scope="col" class="num">Lock</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Withdraw round</th><th scope="col">When</th></tr></thead>
<tbody>${locks}</tbody></table></div>`
}`;
  return layout({ title: `Delegator ${d.address}`, path: `/dashboard/delegators/${d.address}`, body });
}
