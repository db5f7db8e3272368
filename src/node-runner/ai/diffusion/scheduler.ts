import { LivepeerError } from "../../../wire/errors.ts";
import type { SchedulerConfig } from "./folder.ts";

// The noise schedulers of a diffusers folder's scheduler_config.json, as diffusers computes them:
// the beta schedule, the inference timesteps (timestep_spacing, steps_offset) and one denoising step
// per scheduler (EulerDiscreteScheduler, DDIMScheduler, PNDMScheduler's PLMS steps, LCMScheduler;
// deterministic: eta 0, no churn). Arithmetic is float64; diffusers' float32 differs in the 7th
// digit. A scheduler keeps state between steps (PNDM's past outputs): one per image.

/** What a denoising loop needs from a scheduler. */
export interface Scheduler {
  readonly name: SchedulerName;
  /** The timesteps the UNet is called at, in order (fractional only for Euler's "linspace"). */
  readonly timesteps: readonly number[];
  /** The scale of the initial noise. */
  readonly initNoiseSigma: number;
  /** The UNet's input at step i (Euler divides by √(σ²+1); the others pass the sample through). */
  scaleInput(sample: Float32Array, i: number): Float32Array;
  /**
   * The sample after step i, from the UNet's (guided) output. `noise` gives fresh standard normal
   * noise for schedulers that inject it between steps (LCM); the others never call it.
   */
  step(output: Float32Array, i: number, sample: Float32Array, noise: () => Float32Array): Float32Array;
}

export const SCHEDULERS = {
  EulerDiscreteScheduler: "euler",
  DDIMScheduler: "ddim",
  PNDMScheduler: "pndm",
  LCMScheduler: "lcm",
} as const;
export type SchedulerName = (typeof SCHEDULERS)[keyof typeof SCHEDULERS];

/** The betas of the training schedule (beta_schedule, or trained_betas). */
export function betas(c: SchedulerConfig): Float64Array {
  const n = c.num_train_timesteps;
  if (c.trained_betas) return Float64Array.from(c.trained_betas);
  const out = new Float64Array(n);
  const lin = (a: number, b: number, i: number) => (n === 1 ? a : a + ((b - a) * i) / (n - 1));
  switch (c.beta_schedule) {
    case "linear":
      for (let i = 0; i < n; i++) out[i] = lin(c.beta_start, c.beta_end, i);
      return out;
    case "scaled_linear":
      for (let i = 0; i < n; i++) out[i] = lin(Math.sqrt(c.beta_start), Math.sqrt(c.beta_end), i) ** 2;
      return out;
    case "squaredcos_cap_v2": {
      const abar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      for (let i = 0; i < n; i++) out[i] = Math.min(1 - abar((i + 1) / n) / abar(i / n), 0.999);
      return out;
    }
  }
}

/** ᾱ_t = Π_{s ≤ t} (1 − β_s). */
export function alphasCumprod(c: SchedulerConfig): Float64Array {
  const b = betas(c);
  const out = new Float64Array(b.length);
  let p = 1;
  for (let i = 0; i < b.length; i++) {
    p *= 1 - b[i]!;
    out[i] = p;
  }
  return out;
}

/** numpy's round: half to even. */
const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** The inference timesteps by timestep_spacing, as diffusers' set_timesteps computes them. */
export function spacedTimesteps(c: SchedulerConfig, steps: number, integer: boolean): number[] {
  const n = c.num_train_timesteps;
  if (steps > n) {
    throw new LivepeerError("INVALID_INPUT", `num_inference_steps must be at most ${n} for this scheduler`, {
      details: { num_inference_steps: steps, num_train_timesteps: n },
    });
  }
  const out: number[] = [];
  switch (c.timestep_spacing) {
    case "linspace":
      for (let i = steps - 1; i >= 0; i--) {
        const t = steps === 1 ? 0 : ((n - 1) * i) / (steps - 1);
        out.push(integer ? roundHalfEven(t) : t);
      }
      return out;
    case "leading": {
      const ratio = Math.floor(n / steps);
      for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + c.steps_offset);
      return out;
    }
    case "trailing": {
      const ratio = n / steps;
      for (let t = n; t > 0 && out.length < steps; t -= ratio) out.push(roundHalfEven(t) - 1);
      return out;
    }
  }
}

/** Euler (k-diffusion's sample_euler): σ-space steps along the probability-flow ODE. */
export function eulerScheduler(c: SchedulerConfig, steps: number): Scheduler {
  const abar = alphasCumprod(c);
  const full = Array.from(abar, (a) => Math.sqrt((1 - a) / a));
  let timesteps = spacedTimesteps(c, steps, false);
  // σ at fractional timesteps: numpy's interp over the training sigmas.
  let sigmas = timesteps.map((t) => {
    const i = Math.floor(t);
    const f = t - i;
    return f === 0 ? full[i]! : full[i]! * (1 - f) + full[i + 1]! * f;
  });
  if (c.use_karras_sigmas) {
    // Karras et al. (2022), ρ = 7, between the spaced sigmas' extremes; timesteps from log σ.
    const lo = c.sigma_min ?? sigmas[sigmas.length - 1]!;
    const hi = c.sigma_max ?? sigmas[0]!;
    const rho = 7;
    sigmas = Array.from({ length: steps }, (_, i) => {
      const r = steps === 1 ? 0 : i / (steps - 1);
      return (hi ** (1 / rho) + r * (lo ** (1 / rho) - hi ** (1 / rho))) ** rho;
    });
    const logs = full.map(Math.log);
    timesteps = sigmas.map((s) => interp(Math.log(s), logs));
  }
  const v = c.prediction_type === "v_prediction";
  if (c.timestep_type === "continuous" && v) timesteps = sigmas.map((s) => 0.25 * Math.log(s));
  sigmas.push(0);
  const max = Math.max(...sigmas);
  const initNoiseSigma =
    c.timestep_spacing === "linspace" || c.timestep_spacing === "trailing" ? max : Math.sqrt(max * max + 1);
  return {
    name: "euler",
    timesteps,
    initNoiseSigma,
    scaleInput: (x, i) => scale(x, 1 / Math.sqrt(sigmas[i]! ** 2 + 1)),
    step(out, i, x) {
      const s = sigmas[i]!;
      const dt = sigmas[i + 1]! - s;
      const next = new Float32Array(x.length);
      const k = 1 / Math.sqrt(s * s + 1);
      for (let j = 0; j < x.length; j++) {
        const x0 = v ? out[j]! * (-s * k) + x[j]! * k * k : x[j]! - s * out[j]!;
        next[j] = x[j]! + ((x[j]! - x0) / s) * dt;
      }
      return next;
    },
  };
}

/** The fractional index where `y` falls in `ys` (decreasing or increasing), clamped to the ends. */
function interp(y: number, ys: readonly number[]): number {
  for (let i = 0; i + 1 < ys.length; i++) {
    const a = ys[i]!;
    const b = ys[i + 1]!;
    if ((y >= a && y <= b) || (y <= a && y >= b)) return a === b ? i : i + (y - a) / (b - a);
  }
  return Math.abs(y - ys[0]!) < Math.abs(y - ys[ys.length - 1]!) ? 0 : ys.length - 1;
}

/** x₀ and ε from the UNet's output, by prediction_type. */
function split(c: SchedulerConfig, out: number, x: number, a: number): [x0: number, eps: number] {
  const sa = Math.sqrt(a);
  const sb = Math.sqrt(1 - a);
  switch (c.prediction_type) {
    case "epsilon":
      return [(x - sb * out) / sa, out];
    case "v_prediction":
      return [sa * x - sb * out, sa * out + sb * x];
    case "sample":
      return [out, (x - sa * out) / sb];
  }
}

const clip = (c: SchedulerConfig, x0: number) =>
  c.clip_sample ? Math.min(c.clip_sample_range, Math.max(-c.clip_sample_range, x0)) : x0;

/** DDIM with η = 0 (deterministic). */
export function ddimScheduler(c: SchedulerConfig, steps: number): Scheduler {
  const abar = alphasCumprod(c);
  const timesteps = spacedTimesteps(c, steps, true);
  const final = c.set_alpha_to_one ? 1 : abar[0]!;
  const stride = Math.floor(c.num_train_timesteps / steps);
  return {
    name: "ddim",
    timesteps,
    initNoiseSigma: 1,
    scaleInput: (x) => x,
    step(out, i, x) {
      const t = timesteps[i]!;
      const a = abar[t]!;
      const prev = t - stride;
      const ap = prev >= 0 ? abar[prev]! : final;
      const next = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) {
        const [x0raw, eps0] = split(c, out[j]!, x[j]!, a);
        const x0 = clip(c, x0raw);
        // A clipped x₀ changes the ε the step uses, as diffusers re-derives it.
        const eps = x0 === x0raw ? eps0 : (x[j]! - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
        next[j] = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * eps;
      }
      return next;
    },
  };
}

/**
 * PNDM with `skip_prk_steps` (as Stable Diffusion 1.x configs set it): pseudo linear multistep
 * (PLMS). The first step is taken twice (Heun-like: the second call averages the two outputs and
 * restarts from the first sample), then Adams–Bashforth over up to four past outputs; each move is
 * the PNDM transfer (the DDIM update written from ε).
 */
export function pndmScheduler(c: SchedulerConfig, steps: number): Scheduler {
  if (c.skip_prk_steps === false) {
    throw new LivepeerError("MODEL_LOAD_FAILED", "PNDM's Runge–Kutta steps are not implemented", {
      details: { hint: "skip_prk_steps: true (Stable Diffusion's configs), or options.scheduler" },
    });
  }
  const abar = alphasCumprod(c);
  const ascending = [...spacedTimesteps(c, steps, true)].reverse();
  const timesteps = [...ascending.slice(0, -1), ...ascending.slice(-2, -1), ...ascending.slice(-1)].reverse();
  const stride = Math.floor(c.num_train_timesteps / steps);
  const final = c.set_alpha_to_one ? 1 : abar[0]!;
  const v = c.prediction_type === "v_prediction";
  const ets: Float32Array[] = [];
  let counter = 0;
  let first: Float32Array | null = null;
  return {
    name: "pndm",
    timesteps,
    initNoiseSigma: 1,
    scaleInput: (x) => x,
    step(out, i, sample) {
      let t = timesteps[i]!;
      let prev = t - stride;
      if (counter !== 1) {
        if (ets.length > 3) ets.shift();
        ets.push(out);
      } else {
        prev = t;
        t = t + stride;
      }
      let x = sample;
      let e: (j: number) => number;
      const [e1, e2, e3, e4] = [ets.at(-1)!, ets.at(-2)!, ets.at(-3)!, ets.at(-4)!];
      if (ets.length === 1 && counter === 0) {
        e = (j) => out[j]!;
        first = sample;
      } else if (ets.length === 1 && counter === 1) {
        e = (j) => (out[j]! + e1[j]!) / 2;
        x = first ?? sample;
        first = null;
      } else if (ets.length === 2) e = (j) => (3 * e1[j]! - e2[j]!) / 2;
      else if (ets.length === 3) e = (j) => (23 * e1[j]! - 16 * e2[j]! + 5 * e3[j]!) / 12;
      else e = (j) => (55 * e1[j]! - 59 * e2[j]! + 37 * e3[j]! - 9 * e4[j]!) / 24;
      const a = abar[t]!;
      const ap = prev >= 0 ? abar[prev]! : final;
      const sampleCoeff = Math.sqrt(ap / a);
      const denom = a * Math.sqrt(1 - ap) + Math.sqrt(a * (1 - a) * ap);
      const next = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) {
        const eps = v ? Math.sqrt(a) * e(j) + Math.sqrt(1 - a) * x[j]! : e(j);
        next[j] = sampleCoeff * x[j]! - ((ap - a) * eps) / denom;
      }
      counter++;
      return next;
    },
  };
}

/** Latent consistency models' multistep sampling: a consistency step, then fresh noise to the next t. */
export function lcmScheduler(c: SchedulerConfig, steps: number): Scheduler {
  const abar = alphasCumprod(c);
  const n = c.num_train_timesteps;
  const original = c.original_inference_steps;
  const k = Math.floor(n / original);
  const origin = Array.from({ length: original }, (_, i) => (i + 1) * k - 1).reverse();
  if (steps > original) {
    throw new LivepeerError("INVALID_INPUT", `num_inference_steps must be at most ${original} for LCM`, {
      details: { num_inference_steps: steps, original_inference_steps: original },
    });
  }
  const timesteps = Array.from({ length: steps }, (_, i) => origin[Math.floor((i * original) / steps)]!);
  const final = c.set_alpha_to_one ? 1 : abar[0]!;
  const sigmaData = 0.5;
  return {
    name: "lcm",
    timesteps,
    initNoiseSigma: 1,
    scaleInput: (x) => x,
    step(out, i, x, noise) {
      const t = timesteps[i]!;
      const a = abar[t]!;
      const last = i === timesteps.length - 1;
      const prev = last ? t : timesteps[i + 1]!;
      const ap = prev >= 0 ? abar[prev]! : final;
      const st = t * c.timestep_scaling;
      const cSkip = sigmaData ** 2 / (st * st + sigmaData ** 2);
      const cOut = st / Math.sqrt(st * st + sigmaData ** 2);
      const z = last ? null : noise();
      const next = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) {
        const x0 = clip(c, split(c, out[j]!, x[j]!, a)[0]);
        const denoised = cOut * x0 + cSkip * x[j]!;
        next[j] = z ? Math.sqrt(ap) * denoised + Math.sqrt(1 - ap) * z[j]! : denoised;
      }
      return next;
    },
  };
}

function scale(x: Float32Array, k: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * k;
  return out;
}

/** The scheduler a config names (or `override`: euler, ddim, pndm, lcm), set for `steps` steps. */
export function makeScheduler(c: SchedulerConfig, steps: number, override?: SchedulerName): Scheduler {
  const name = override ?? SCHEDULERS[c._class_name as keyof typeof SCHEDULERS];
  switch (name) {
    case "euler":
      return eulerScheduler(c, steps);
    case "ddim":
      return ddimScheduler(c, steps);
    case "lcm":
      return lcmScheduler(c, steps);
    case "pndm":
      return pndmScheduler(c, steps);
    default:
      throw new LivepeerError("MODEL_LOAD_FAILED", `scheduler ${c._class_name} is not implemented`, {
        details: {
          scheduler: c._class_name,
          implemented: Object.keys(SCHEDULERS),
          hint: 'set the model\'s option "scheduler" to euler, ddim, pndm or lcm to use one of them instead',
        },
      });
  }
}
