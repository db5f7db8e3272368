import { html } from "hono/html";
import type { SenderView } from "../services/dashboard/sender.ts";
import { actionsSection, field } from "./actions.ts";
import { chart, tokens } from "./chart.ts";
import { formatUnits } from "./format.ts";
import { type Html, layout } from "./layout.ts";

const eth = (v: bigint) => formatUnits(v, "ETH", 6);

/** GET /dashboard/gateway without a sender: the address form. */
export function gatewayLookupPage(): Html {
  const body = html`<h1>Gateway / sender</h1>
<p class="muted">This node has no gateway sender key. Look up any sender:</p>
<form class="filters" method="get" action="/dashboard/gateway">
<label>Sender address<input name="address" size="44" required pattern="0x[0-9a-fA-F]{40}" placeholder="0x…"></label>
<button type="submit">Show</button>
</form>`;
  return layout({ title: "Gateway", path: "/dashboard/gateway", body });
}

function unlockText(v: SenderView): Html {
  const w = v.info.sender.withdrawRound;
  if (w === 0n) return html`<span class="ok">locked (funds usable)</span>`;
  if (w <= v.currentRound)
    return html`<span class="warn">unlocked: withdrawable since round ${w.toString()}</span>`;
  return html`<span class="warn">unlocking: withdrawable at round ${w.toString()} (in ${(w - v.currentRound).toString()} rounds)</span>`;
}

export function gatewayPage(v: SenderView, opts: { chainId: number; ledger: "devnet" | "chain" }): Html {
  const per = v.perOrchestrator.map(
    (
      o,
    ) => html`<tr data-orchestrator="${o.orchestrator}" data-tickets="${o.ticketsSent}" data-ev="${o.evSent.toString()}" data-spent="${o.spent.toString()}">
<td><a href="/dashboard/orchestrators/${o.orchestrator}"><code>${o.orchestrator}</code></a></td><td class="num">${o.ticketsSent}</td><td class="num">${eth(o.evSent)}</td><td class="num">${eth(o.spent)}</td><td class="num">${eth(o.balance)}</td></tr>`,
  );
  const events = v.events.map(
    (e) =>
      html`<tr><td class="num">${e.round.toString()}</td><td>${e.name}</td><td class="num">${
        e.args.amount !== undefined ? eth(BigInt(e.args.amount)) : ""
      }</td><td><code>${e.ref}</code></td></tr>`,
  );
  const body = html`<h1>Gateway sender <code>${v.address}</code></h1>
<section class="cards">
<dl class="card" id="broker">
<dt>Deposit</dt><dd data-value="${v.info.sender.deposit.toString()}">${eth(v.info.sender.deposit)}</dd>
<dt>Reserve</dt><dd data-value="${v.info.reserve.fundsRemaining.toString()}">${eth(v.info.reserve.fundsRemaining)}</dd>
<dt>Reserve claimed this round</dt><dd>${eth(v.info.reserve.claimedInCurrentRound)}</dd>
<dt>Unlock</dt><dd data-value="${v.info.sender.withdrawRound.toString()}">${unlockText(v)}</dd>
<dt>Wallet balance</dt><dd>${eth(v.ethBalance)}</dd>
</dl>
<dl class="card" id="spend">
<dt>Tickets sent</dt><dd data-value="${v.ticketsSent}">${v.local ? v.ticketsSent : html`<span class="muted">not this node's sender</span>`}</dd>
<dt>EV spent (tickets' expected value)</dt><dd data-value="${v.evSent.toString()}">${eth(v.evSent)}</dd>
<dt>Work received (fees owed for it)</dt><dd data-value="${v.spent.toString()}">${eth(v.spent)}</dd>
<dt>Jobs done / failed</dt><dd>${v.jobs.succeeded} / ${v.jobs.failed}</dd>
<dt>Units of work priced</dt><dd>${v.jobs.units.toString()}</dd>
</dl>
</section>
${
  v.perOrchestrator.length === 0
    ? html`<p class="muted" id="no-spend">No tickets sent from this node yet.</p>`
    : html`${chart({
        id: "spend-chart",
        title: "EV sent against work received, per orchestrator (ETH)",
        x: v.perOrchestrator.map((_, i) => i + 1),
        xLabel: "orchestrator (table order)",
        unit: "ETH",
        series: [
          { label: "EV sent", values: v.perOrchestrator.map((o) => tokens(o.evSent)) },
          { label: "work received", values: v.perOrchestrator.map((o) => tokens(o.spent)) },
        ],
      })}
<div class="scroll" tabindex="0"><table id="per-orchestrator"><thead><tr><th scope="col">Orchestrator</th><th scope="col" class="num">Tickets</th><th scope="col" class="num">EV sent</th><th scope="col" class="num">Work received</th><th scope="col" class="num">Credit left</th></tr></thead>
<tbody>${per}</tbody></table></div>`
}
<h2>Broker events</h2>
${
  v.events.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<div class="scroll" tabindex="0"><table id="broker-events"><thead><tr><th scope="col" class="num">Round</th><th scope="col">Event</th><th scope="col" class="num">Amount</th><th scope="col">Transaction</th></tr></thead><tbody>${events}</tbody></table></div>`
}
${actionsSection({
  chainId: opts.chainId,
  ledger: opts.ledger,
  forms: [
    {
      action: "fundDepositAndReserve",
      title: "Fund deposit and reserve",
      button: "Fund",
      fields: [field.eth("deposit", "Deposit (ETH)"), field.eth("reserve", "Reserve (ETH)")],
    },
    { action: "unlock", title: "Start the unlock period", button: "Unlock", fields: [] },
    { action: "cancelUnlock", title: "Cancel the unlock", button: "Cancel unlock", fields: [] },
    { action: "withdraw", title: "Withdraw deposit and reserve", button: "Withdraw", fields: [] },
  ],
})}`;
  return layout({
    title: `Gateway ${v.address}`,
    path: "/dashboard/gateway",
    body,
    charts: v.perOrchestrator.length > 0,
    actions: true,
  });
}
