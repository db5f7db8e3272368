import { html } from "hono/html";
import { PERC_DIVISOR } from "../../protocol/math.ts";
import type { SimulatedRound } from "../services/dashboard/simulate.ts";
import type { SimulationSetup } from "../services/dashboard/simulator-state.ts";
import { chart, tokens } from "./chart.ts";
import { formatPercent, formatUnits } from "./format.ts";
import { type Html, layout } from "./layout.ts";

export interface SimulatorForm {
  orchestrator: string;
  principal: string;
  rounds: string;
  ratio: string;
  others: string;
  rewardCut: string;
  cutFrom: string;
  inflationChange: string;
}

export interface SimulatorView {
  delegator: string;
  form: SimulatorForm;
  setup?: SimulationSetup;
  simulated: SimulatedRound[];
  /** The same principal over the past rounds with this orchestrator, from the real factors. */
  past: { round: bigint; stake: bigint; reward: bigint }[];
}

const lpt = (v: bigint) => formatUnits(v, "LPT");

function input(name: keyof SimulatorForm, label: string, value: string, pattern: string): Html {
  return html`<label>${label}<input name="${name}" value="${value}" pattern="${pattern}"></label>`;
}

export function simulatorPage(v: SimulatorView): Html {
  const f = v.form;
  const rows = v.simulated.map((s, i) => {
    const past = v.past[i];
    return html`<tr data-i="${i + 1}" data-sim-stake="${s.stake.toString()}"${
      past ? html` data-past-stake="${past.stake.toString()}"` : ""
    }>
<td class="num">${i + 1}</td><td class="num">${s.round.toString()}</td><td>${s.called ? "yes" : html`<span class="bad">missed</span>`}</td>
<td class="num">${formatPercent(s.rewardCut, PERC_DIVISOR)}</td><td class="num">${formatPercent(s.inflation, 1_000_000_000n, 4)}</td>
<td class="num">${lpt(s.reward)}</td><td class="num">${lpt(s.stake)}</td>
<td class="num">${past ? past.round.toString() : "–"}</td><td class="num">${past ? lpt(past.reward) : "–"}</td><td class="num">${past ? lpt(past.stake) : "–"}</td></tr>`;
  });
  const last = v.simulated.at(-1);
  const body = html`<h1>What if…? <code>${v.delegator}</code></h1>
<p class="muted">The protocol's own integer maths (Minter inflation step, createReward, the treasury cut, LIP-36 reward factors) run forward from the ledger's state now. Fees are not simulated. Other orchestrators' calls are modelled as one share of their stake. Beside each simulated round: what the same principal really earned with this orchestrator the same number of rounds ago.</p>
<form class="filters" method="get" id="sim-form">
${input("orchestrator", "Orchestrator", f.orchestrator, "0x[0-9a-fA-F]{40}")}
${input("principal", "Principal (LPT)", f.principal, "\\d+(\\.\\d{1,18})?")}
${input("rounds", "Rounds", f.rounds, "\\d{1,3}")}
${input("ratio", "Reward-call ratio (%)", f.ratio, "\\d{1,3}(\\.\\d{1,4})?")}
${input("others", "Others' reward calls (%)", f.others, "\\d{1,3}(\\.\\d{1,4})?")}
${input("rewardCut", "New reward cut (%)", f.rewardCut, "(\\d{1,3}(\\.\\d{1,4})?)?")}
${input("cutFrom", "…from round (1 = first)", f.cutFrom, "\\d{0,3}")}
${input("inflationChange", "Inflation change (per round, 1e9 = 100%)", f.inflationChange, "\\d{0,12}")}
<button type="submit">Simulate</button>
</form>
${
  v.setup && last
    ? html`<section class="cards"><dl class="card" id="sim-result">
<dt>Principal</dt><dd data-value="${v.setup.principal.toString()}">${lpt(v.setup.principal)}${v.setup.ownBond ? " (your bond as it stands)" : " (a new bond made now)"}</dd>
<dt>After ${v.simulated.length} rounds (round ${last.round.toString()})</dt><dd id="sim-final" data-value="${last.stake.toString()}">${lpt(last.stake)}</dd>
<dt>Simulated rewards</dt><dd>${lpt(last.stake - (v.simulated[0]!.stake - v.simulated[0]!.reward))}</dd>
<dt>Treasury cut used</dt><dd>${formatPercent(v.setup.start.treasuryRewardCutRate, 10n ** 27n)}</dd>
</dl></section>
${chart({
  id: "sim-chart",
  title: "Stake per round: simulated (next rounds) and real (the same number of rounds ago)",
  x: v.simulated.map((_, i) => i + 1),
  xLabel: "rounds after bonding",
  unit: "LPT",
  series: [
    { label: "simulated", values: v.simulated.map((s) => tokens(s.stake)) },
    { label: "real, past", values: v.simulated.map((_, i) => (v.past[i] ? tokens(v.past[i]!.stake) : null)) },
  ],
})}
<div class="scroll" tabindex="0"><table id="simulation"><thead><tr><th scope="col" class="num">#</th><th scope="col" class="num">Round</th><th scope="col">reward()</th><th scope="col" class="num">Cut</th><th scope="col" class="num">Inflation</th><th scope="col" class="num">Reward</th><th scope="col" class="num">Stake</th><th scope="col" class="num">Past round</th><th scope="col" class="num">Real reward</th><th scope="col" class="num">Real stake</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p class="muted" id="sim-empty">Choose an orchestrator to simulate.</p>`
}`;
  return layout({
    title: `Simulator ${v.delegator}`,
    path: `/dashboard/delegators/${v.delegator}/simulate`,
    body,
    charts: v.simulated.length > 0,
  });
}
