import { describe, expect, test } from "bun:test";
import { createMetrics, METRIC, METRICS } from "../../../src/edge/metrics.ts";

describe("metrics", () => {
  test("every named metric is declared with HELP and TYPE before use", () => {
    const text = createMetrics().render();
    for (const d of Object.values(METRICS)) {
      expect(text).toContain(`# HELP ${d.name} ${d.help}\n# TYPE ${d.name} ${d.kind}\n`);
    }
  });

  test("counters sum per label set, exactly for bigint wei", () => {
    const m = createMetrics();
    m.inc(METRIC.ticketsReceived, { orchestrator: "0xa" });
    m.inc(METRIC.ticketsReceived, { orchestrator: "0xa" }, 2);
    m.inc(METRIC.ticketsReceived, { orchestrator: "0xb" });
    const big = 123456789012345678901234567890n;
    m.inc(METRIC.ticketValueReceivedWei, {}, big);
    m.inc(METRIC.ticketValueReceivedWei, {}, 10n);
    const text = m.render();
    expect(text).toContain(`${METRIC.ticketsReceived}{orchestrator="0xa"} 3`);
    expect(text).toContain(`${METRIC.ticketsReceived}{orchestrator="0xb"} 1`);
    // go-livepeer shows ticket value in gwei: every wei digit kept after the point.
    expect(text).toContain(`${METRIC.ticketValueReceivedWei} 123456789012345678901.2345679\n`);
  });

  test("histograms render cumulative buckets, sum and count; label values are escaped", () => {
    const m = createMetrics();
    m.observe(METRIC.httpDuration, 0.02, { route: '/a"b' });
    m.observe(METRIC.httpDuration, 3, { route: '/a"b' });
    const text = m.render();
    expect(text).toContain(`${METRIC.httpDuration}_bucket{route="/a\\"b",le="0.025"} 1`);
    expect(text).toContain(`${METRIC.httpDuration}_bucket{route="/a\\"b",le="5"} 2`);
    expect(text).toContain(`${METRIC.httpDuration}_bucket{route="/a\\"b",le="+Inf"} 2`);
    expect(text).toContain(`${METRIC.httpDuration}_count{route="/a\\"b"} 2`);
    expect(text).toContain(`${METRIC.httpDuration}_sum{route="/a\\"b"} 3.02`);
  });

  test("only declared names of the right kind are accepted", () => {
    const m = createMetrics();
    // @ts-expect-error: not a declared metric
    expect(() => m.inc("custom_total", { a: "1" })).toThrow("not a declared counter");
    // @ts-expect-error: a histogram is not a counter
    expect(() => m.inc(METRIC.httpDuration)).toThrow("not a declared counter");
    expect(m.render()).not.toContain("custom_total");
  });

  test("a gauge's set replaces all its series", () => {
    const m = createMetrics();
    m.set(METRIC.queueDepth, [
      { value: 2, labels: { status: "queued" } },
      { value: 1, labels: { status: "leased" } },
    ]);
    m.set(METRIC.queueDepth, [{ value: 0, labels: { status: "queued" } }]);
    const text = m.render();
    expect(text).toContain(`${METRIC.queueDepth}{status="queued"} 0`);
    expect(text).not.toContain(`${METRIC.queueDepth}{status="leased"}`);
    m.set(METRIC.senderDeposit, [{ value: 1_500_000_000n }]);
    expect(m.render()).toContain(`${METRIC.senderDeposit} 1.5\n`);
  });
});
