import { describe, expect, test } from "bun:test";
import { createMetrics, METRIC } from "../../../src/edge/metrics.ts";

describe("metrics", () => {
  test("every named metric is declared with HELP and TYPE before use", () => {
    const text = createMetrics().render();
    for (const name of Object.values(METRIC)) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toMatch(new RegExp(`# TYPE ${name} (counter|histogram)`));
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
    expect(text).toContain(`${METRIC.ticketValueReceivedWei} ${big + 10n}`);
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

  test("undeclared names are rendered too", () => {
    const m = createMetrics();
    m.inc("custom_total", { a: "1" });
    expect(m.render()).toContain('# TYPE custom_total counter\ncustom_total{a="1"} 1');
  });
});
