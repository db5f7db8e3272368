// Shader source fixes for wgpu's OpenGL backend (Deno on Mesa llvmpipe). WGSL defines integer
// `x % 0` as 0, but naga's GLSL output leaves it to the driver, which gives garbage. The JSEP
// build's reflect Pad takes `k % (2 * (n - 1))`, zero for every axis of size 1, so Silero VAD's
// first op read out of bounds and the whole model computed zeros.

/** onnxruntime-web's reflect-pad line, and the same with a divisor that is never zero. */
const REFLECT_MODULO = /k = k % _2n_1;/g;
const REFLECT_MODULO_GUARDED = "k = k % max(_2n_1, 1);";

/** The WGSL with every known division by a possibly-zero integer guarded (same WGSL meaning). */
export function guardIntegerModulo(code: string): string {
  return code.replace(REFLECT_MODULO, REFLECT_MODULO_GUARDED);
}
