import { expect, test } from "bun:test";
import { isNullAdapter } from "../../../src/node-runner/ai/webgpu.ts";

// The adapters the runner met on the development machine, as its probe describes them: Deno's wgpu
// on llvmpipe (ids for vendor and device), bun-webgpu on Dawn's GLES backend, and the null ones
// that compute zeros (Dawn's Null backend after a failed Vulkan init; an adapter with empty info).

test("real adapters pass, null ones are refused", () => {
  const deno = {
    runtime: "deno",
    vendor: "65541",
    device: "0",
    description: "llvmpipe (LLVM 15.0.6, 256 bits)",
  } as const;
  const bunGles = {
    runtime: "bun-webgpu",
    vendor: "",
    device: "llvmpipe-llvm-15-0-6-256-bits",
    description: "OpenGL version OpenGL ES 3.2 Mesa 22.3.6",
    backend: "OpenGLES",
  } as const;
  expect(isNullAdapter(deno)).toBe(false);
  expect(isNullAdapter(bunGles)).toBe(false);
  expect(isNullAdapter({ ...bunGles, backend: "Null" })).toBe(true);
  expect(isNullAdapter({ runtime: "deno", vendor: "", device: "", description: "" })).toBe(true);
});
