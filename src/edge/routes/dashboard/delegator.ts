import type { OpenAPIHono } from "@hono/zod-openapi";
import { PERC_DIVISOR } from "../../../protocol/math.ts";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { HonoEnv } from "../../deps.ts";
import { delegatorEarnings, earningsCsv } from "../../services/dashboard/delegator-earnings.ts";
import { orchestratorRowFor } from "../../services/dashboard/orchestrators.ts";
import { simulate } from "../../services/dashboard/simulate.ts";
import { parseSimulatorQuery } from "../../services/dashboard/simulator-query.ts";
import { pastRounds, simulationSetup } from "../../services/dashboard/simulator-state.ts";
import { delegatorDetail } from "../../services/protocol/delegators.ts";
import { signingChainId } from "../../services/staking/authorize.ts";
import { delegatorLookupPage, delegatorPage } from "../../ui/delegator-page.ts";
import { formatUnits } from "../../ui/format.ts";
import { type SimulatorForm, simulatorPage } from "../../ui/simulator-page.ts";
import { page } from "./page.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const ZERO = /^0x0{40}$/;

function addressParam(raw: string): Address {
  if (!ADDRESS.test(raw)) throw new LivepeerError("INVALID_ADDRESS", "address must be a 20-byte 0x address");
  return raw.toLowerCase() as Address;
}

/** PERC points as a plain percentage for a form field ("12.5"). */
const percText = (v: bigint) => {
  const whole = v / 10_000n;
  const frac = (v % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole.toString();
};

/** Tokens without units or separators, for a form field. */
const tokenText = (wei: bigint) => formatUnits(wei, "LPT", 18).replace(/ LPT$/, "").replaceAll(",", "");

/** The delegator pages: lookup, detail (with earnings and actions), CSV export and the simulator. */
export function delegatorRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.get("/dashboard/delegators", async (c) => {
    const address = c.req.query("address");
    if (address === undefined || address === "") return page(c, delegatorLookupPage());
    return c.redirect(`/dashboard/delegators/${addressParam(address)}`, 303);
  });

  app.get("/dashboard/delegators/:address", async (c) => {
    const deps = c.var.deps;
    const addr = addressParam(c.req.param("address"));
    const [detail, d, round] = await Promise.all([
      delegatorDetail(deps, addr),
      deps.ledger.getDelegator(addr),
      deps.ledger.currentRound(),
    ]);
    const earnings = await delegatorEarnings(deps, addr, d, round);
    return page(
      c,
      delegatorPage(detail, { earnings, chainId: signingChainId(deps), ledger: deps.ledger.kind }),
    );
  });

  app.get("/dashboard/delegators/:address/earnings.csv", async (c) => {
    const deps = c.var.deps;
    const addr = addressParam(c.req.param("address"));
    const [d, round] = await Promise.all([deps.ledger.getDelegator(addr), deps.ledger.currentRound()]);
    const csv = earningsCsv(await delegatorEarnings(deps, addr, d, round));
    c.header("cache-control", "no-store");
    c.header("content-type", "text/csv; charset=utf-8");
    c.header("content-disposition", `attachment; filename="earnings-${addr}.csv"`);
    return c.body(csv);
  });

  app.get("/dashboard/delegators/:address/simulate", async (c) => {
    const deps = c.var.deps;
    const addr = addressParam(c.req.param("address"));
    const q = parseSimulatorQuery(c.req.query());
    const d = await deps.ledger.getDelegator(addr);
    const orchestrator =
      q.orchestrator ??
      (ZERO.test(d.delegateAddress) ? undefined : (d.delegateAddress.toLowerCase() as Address));
    const raw = c.req.query();
    const form: SimulatorForm = {
      orchestrator: orchestrator ?? "",
      principal: raw.principal ?? "",
      rounds: String(q.params.rounds),
      ratio: raw.ratio ?? "",
      others: raw.others ?? percText(q.params.othersCallRatio),
      rewardCut: raw.rewardCut ?? "",
      cutFrom: raw.cutFrom ?? "",
      inflationChange: raw.inflationChange ?? "",
    };
    if (!orchestrator) return page(c, simulatorPage({ delegator: addr, form, simulated: [], past: [] }));
    const row = await orchestratorRowFor(deps, orchestrator);
    const observed =
      row.ratio30.counted === 0
        ? PERC_DIVISOR
        : (BigInt(row.ratio30.rewarded) * PERC_DIVISOR) / BigInt(row.ratio30.counted);
    const setup = await simulationSetup(deps, orchestrator, addr, q.principal, observed);
    const rewardCallRatio = q.params.rewardCallRatio ?? observed;
    const simulated = simulate(setup.start, { ...q.params, rewardCallRatio });
    const past = await pastRounds(deps, orchestrator, setup.principal, q.params.rounds);
    form.principal ||= tokenText(setup.principal);
    form.ratio ||= percText(rewardCallRatio);
    form.inflationChange ||= setup.start.inflationChange.toString();
    return page(c, simulatorPage({ delegator: addr, form, setup, simulated, past }));
  });
}
