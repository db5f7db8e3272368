import { expect, test } from "bun:test";

test("smoke", () => {
  expect(1 + 1).toBe(2);
});
