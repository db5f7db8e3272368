import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { guardIntegerModulo } from "../../../src/node-runner/ai/wgsl-guards.ts";

// The guard rewrites one line of onnxruntime-web's reflect-Pad shader: if a new release words it
// differently the guard would silently stop applying (and Silero VAD on Deno's wgpu would compute
// zeros again), so the shipped JSEP build is checked for that line here, with no GPU needed.

test("the JSEP build the runner loads still has the reflect-pad modulo the guard rewrites", () => {
  const bundle = readFileSync(Bun.resolveSync("onnxruntime-web/all", import.meta.dir), "utf8");
  expect(bundle).toContain("k = k % _2n_1;");
});

test("the modulo's divisor is never zero after the guard, and other code is left alone", () => {
  const shader = "let _2n_1 = 2 * (i32(uniforms.x_shape[0]) - 1);\nk = k % _2n_1;\nlet r = a % b;";
  expect(guardIntegerModulo(shader)).toBe(
    "let _2n_1 = 2 * (i32(uniforms.x_shape[0]) - 1);\nk = k % max(_2n_1, 1);\nlet r = a % b;",
  );
});
