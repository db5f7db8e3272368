import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { InferenceSession } from "onnxruntime-common";
import { LivepeerError } from "../../wire/errors.ts";
import { type ModelEntry, type ModelFile, type ModelManifest, modelFile, type Provider } from "./manifest.ts";
import { ONNX_RUNTIME_OF, type Ort, providerUnavailable, type Runtimes } from "./runtimes.ts";
import { tfjsLoader } from "./tfjs-thread.ts";

/** A model (or one file of it) loaded into a runtime, ready to run. */
export interface LoadedModel<M> {
  model: M;
  /** What runs it, as reported with each job: "onnxruntime-node/cpu", "tfjs/wasm", … */
  engine: string;
  /** Runs on it must not overlap (onnxruntime-web refuses concurrent runs on one session). */
  exclusive: boolean;
  release(): Promise<void>;
}

/** What a loader gets: the runtimes, the providers to try in order, and hash-checked file reads. */
export interface LoaderContext {
  runtimes: Runtimes;
  providers: readonly Provider[];
  /** The file's bytes, after its size and sha256 were checked against the manifest. */
  read(role?: string): Promise<Uint8Array>;
  /** The file's path, after its hash was checked (for loaders that read a folder themselves). */
  verifiedPath(role?: string): Promise<string>;
}

export type Loader<M> = (entry: ModelEntry, ctx: LoaderContext) => Promise<LoadedModel<M>>;

/** An ONNX session and the runtime module that made it (its Tensor class must build the feeds). */
export interface OnnxModel {
  session: InferenceSession;
  ort: Ort;
  provider: Provider;
}

interface Slot {
  entry: ModelEntry;
  loading: Promise<LoadedModel<unknown>>;
  users: number;
  queue: Promise<unknown>;
  idleTimer?: ReturnType<typeof setTimeout> | undefined;
}

/** One model as the runner reports it: registered with the orchestrator and shown on /status. */
export interface ModelStatus {
  pipeline: string;
  modelId: string;
  format: string;
  warm: boolean;
  /** Hashes checked (false only for a version-1 manifest entry, which has none). */
  verified: boolean;
  /** The engines its loaded parts run on now; empty when nothing is loaded. */
  loaded: string[];
  /** The manifest's price, as decimal strings (reported to the orchestrator). */
  price: { pricePerUnit: string; pixelsPerUnit: string };
}

export interface ModelStoreOptions {
  /** Providers tried for a model that names none, best first. */
  defaultProviders: readonly Provider[];
  /** How long a cold model stays loaded after its last job; 0 frees it as soon as the job ends. */
  idleMs: number;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function hashMismatch(entry: ModelEntry, f: ModelFile, actual: string, size?: number): LivepeerError {
  return new LivepeerError(
    "MODEL_HASH_MISMATCH",
    `model ${entry.pipeline}/${entry.modelId}: file ${f.role} (${f.path}) does not match its manifest hash`,
    {
      details: {
        modelId: entry.modelId,
        role: f.role,
        path: f.path,
        expected: f.sha256,
        actual,
        ...(size === undefined ? {} : { bytes: size, expectedBytes: f.bytes }),
      },
    },
  );
}

function missingFile(entry: ModelEntry, f: ModelFile, err: unknown): LivepeerError {
  return new LivepeerError("MODEL_LOAD_FAILED", `model ${entry.modelId}: cannot read ${f.role} (${f.path})`, {
    details: { modelId: entry.modelId, role: f.role, path: f.path, reason: String(err) },
    cause: err,
  });
}

/** Checks one file against its manifest size and sha256 (streamed: models can be large). */
export async function verifyFile(entry: ModelEntry, f: ModelFile): Promise<void> {
  if (!f.sha256) return;
  let size: number;
  try {
    size = (await stat(f.path)).size;
  } catch (err) {
    throw missingFile(entry, f, err);
  }
  if (f.bytes !== undefined && f.bytes !== size) throw hashMismatch(entry, f, "(size differs)", size);
  const actual = await sha256File(f.path);
  if (actual !== f.sha256) throw hashMismatch(entry, f, actual);
}

/**
 * Loads an ONNX file on the first provider that works, in the order given. Each provider is
 * probed first (CUDA without its libraries, WebGPU without an adapter are skipped with the reason);
 * a session that fails to build on one provider falls through to the next.
 */
export function onnxLoader(role?: string): Loader<OnnxModel> {
  return async (entry, ctx) => {
    const r = role ?? entry.files[0]!.role;
    // Weights over 2 GB sit beside the graph in an external-data file (role "<role>-data"):
    // onnxruntime-node reads it relative to the graph's path, so the session is made from the path.
    const external = entry.files.some((f) => f.role === `${r}-data`);
    const source: Uint8Array | string = external
      ? await externalDataGraph(entry, ctx, r)
      : await ctx.read(role);
    const tried: string[] = [];
    for (const provider of ctx.providers) {
      const probe = await ctx.runtimes.probe(provider);
      if (!probe.ok) {
        tried.push(probe.reason);
        continue;
      }
      if (typeof source === "string" && ONNX_RUNTIME_OF[provider] !== "onnxruntime-node") {
        tried.push(`${provider}: a graph with external data loads on onnxruntime-node only`);
        continue;
      }
      const ort = await ctx.runtimes.ort(provider);
      try {
        const options = { executionProviders: [provider], graphOptimizationLevel: "all" } as const;
        const session =
          typeof source === "string"
            ? await ort.InferenceSession.create(source, options)
            : await ort.InferenceSession.create(source, options);
        const runtime = provider === "wasm" || provider === "webgpu" ? "onnxruntime-web" : "onnxruntime-node";
        return {
          model: { session, ort, provider },
          engine: `${runtime}/${provider}`,
          exclusive: runtime === "onnxruntime-web",
          release: () => session.release(),
        };
      } catch (err) {
        tried.push(`${provider}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (ctx.providers.length === 1 && tried.length === 1)
      throw providerUnavailable(ctx.providers[0]!, tried[0]!);
    throw new LivepeerError("MODEL_LOAD_FAILED", `cannot load model ${entry.modelId} on any provider`, {
      details: {
        modelId: entry.modelId,
        role: role ?? entry.files[0]!.role,
        providers: ctx.providers,
        tried,
      },
    });
  };
}

/**
 * The path of a graph whose weights sit in an external-data file, after both were hash-checked. The
 * data file must sit beside the graph: onnxruntime reads the location the graph names, relative to it.
 */
async function externalDataGraph(entry: ModelEntry, ctx: LoaderContext, role: string): Promise<string> {
  const graph = await ctx.verifiedPath(role);
  const data = await ctx.verifiedPath(`${role}-data`);
  if (dirname(data) !== dirname(graph)) {
    throw new LivepeerError(
      "INVALID_MANIFEST",
      `model ${entry.modelId}: ${role}-data must sit beside ${role}`,
      {
        details: { modelId: entry.modelId, graph, data },
      },
    );
  }
  return graph;
}

/** The ONNX files of a model: those whose name ends in .onnx. */
export function onnxRoles(entry: ModelEntry): string[] {
  return entry.files.filter((f) => f.path.endsWith(".onnx")).map((f) => f.role);
}

/**
 * The runner's model store: checks every file against its manifest hash at start (a mismatch stops
 * the runner with MODEL_HASH_MISMATCH naming the file), loads warm models at start and keeps them,
 * loads cold ones on first use and frees them once idle for `idleMs`. Everything loaded is keyed by
 * model and part ("onnx:det", "tfjs", …), so multi-file models (OCR det/rec/cls) load part by part.
 * Bytes are hashed again as they are loaded, so a file swapped after start is refused too.
 */
export class ModelStore {
  readonly manifest: ModelManifest;
  readonly runtimes: Runtimes;
  readonly #options: ModelStoreOptions;
  readonly #slots = new Map<string, Slot>();
  #closed = false;

  constructor(manifest: ModelManifest, runtimes: Runtimes, options: ModelStoreOptions) {
    this.manifest = manifest;
    this.runtimes = runtimes;
    this.#options = options;
  }

  /** Checks every file of every model; throws the first mismatch or missing file. */
  async verifyAll(): Promise<void> {
    for (const entry of this.manifest.models) {
      for (const f of entry.files) await verifyFile(entry, f);
    }
  }

  /** The providers a model tries, best first. */
  providersOf(entry: ModelEntry): readonly Provider[] {
    return entry.providers ?? this.#options.defaultProviders;
  }

  #context(entry: ModelEntry): LoaderContext {
    const check = async (role?: string) => {
      const f = modelFile(entry, role);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(f.path));
      } catch (err) {
        throw missingFile(entry, f, err);
      }
      if (f.sha256) {
        const actual = createHash("sha256").update(bytes).digest("hex");
        if (actual !== f.sha256) throw hashMismatch(entry, f, actual);
      }
      return { f, bytes };
    };
    return {
      runtimes: this.runtimes,
      providers: this.providersOf(entry),
      read: async (role) => (await check(role)).bytes,
      verifiedPath: async (role) => {
        const f = modelFile(entry, role);
        await verifyFile(entry, f);
        return f.path;
      },
    };
  }

  #key(entry: ModelEntry, part: string): string {
    return `${entry.pipeline}/${entry.modelId}#${part}`;
  }

  #slot<M>(entry: ModelEntry, part: string, loader: Loader<M>): Slot {
    const k = this.#key(entry, part);
    let slot = this.#slots.get(k);
    if (!slot) {
      const loading = loader(entry, this.#context(entry)) as Promise<LoadedModel<unknown>>;
      const s: Slot = { entry, loading, users: 0, queue: Promise.resolve() };
      // A failed load is not kept: the next job tries again.
      loading.catch(() => {
        if (this.#slots.get(k) === s) this.#slots.delete(k);
      });
      this.#slots.set(k, s);
      slot = s;
    }
    return slot;
  }

  /** Loads a part of a model now (warm start), without running it. */
  async preload<M>(entry: ModelEntry, part: string, loader: Loader<M>): Promise<string> {
    return (await this.#slot(entry, part, loader).loading).engine;
  }

  /**
   * Runs `fn` on a loaded part of a model, loading it first when needed. Runs on an exclusive
   * model are queued; a cold model's idle timer restarts when its last user is done.
   */
  async use<M, T>(
    entry: ModelEntry,
    part: string,
    loader: Loader<M>,
    fn: (loaded: LoadedModel<M>) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw new LivepeerError("RUNNER_CLOSED", "model store is closed");
    const slot = this.#slot(entry, part, loader);
    slot.users++;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    try {
      const loaded = (await slot.loading) as LoadedModel<M>;
      if (!loaded.exclusive) return await fn(loaded);
      const run = slot.queue.then(
        () => fn(loaded),
        () => fn(loaded),
      );
      slot.queue = run.catch(() => undefined);
      return await run;
    } finally {
      slot.users--;
      if (slot.users === 0 && !entry.warm) this.#scheduleFree(this.#key(entry, part), slot);
    }
  }

  /** An ONNX file of a model (by role; the first file without one). */
  onnx<T>(entry: ModelEntry, fn: (m: LoadedModel<OnnxModel>) => Promise<T>, role?: string): Promise<T> {
    const r = role ?? entry.files[0]!.role;
    return this.use(entry, `onnx:${r}`, onnxLoader(r), fn);
  }

  #scheduleFree(key: string, slot: Slot): void {
    const free = () => {
      if (slot.users > 0 || this.#slots.get(key) !== slot) return;
      this.#slots.delete(key);
      void slot.loading.then(
        (l) => l.release().catch(() => undefined),
        () => undefined,
      );
    };
    if (this.#options.idleMs <= 0) {
      free();
      return;
    }
    slot.idleTimer = setTimeout(free, this.#options.idleMs);
    // An idle model must not keep the process alive.
    (slot.idleTimer as { unref?: () => void }).unref?.();
  }

  /**
   * Loads every warm model: each ONNX file of an onnx or diffusers model, the model.json of a tfjs one (part
   * "tfjs"), and a transformers or diffusers folder through its pipeline's loader (part
   * "transformers" or "diffusers"), when `folderLoader` has one for the model's kind.
   */
  async warmUp(folderLoader?: (entry: ModelEntry) => Loader<unknown> | undefined): Promise<void> {
    const jobs: Promise<unknown>[] = [];
    for (const entry of this.manifest.models) {
      if (!entry.warm) continue;
      if (entry.format === "onnx" || entry.format === "diffusers") {
        for (const role of onnxRoles(entry)) jobs.push(this.preload(entry, `onnx:${role}`, onnxLoader(role)));
      } else if (entry.format === "tfjs") jobs.push(this.preload(entry, "tfjs", tfjsLoader()));
      // A folder's own part: transformers.js's model, or a diffusers folder's configs and tokenizer.
      const loader =
        entry.format === "transformers" || entry.format === "diffusers" ? folderLoader?.(entry) : undefined;
      if (loader) jobs.push(this.preload(entry, entry.format, loader));
    }
    await Promise.all(jobs);
  }

  /** "pipeline/modelId#part" of everything loaded now. */
  async loaded(): Promise<string[]> {
    const out: string[] = [];
    for (const [k, s] of this.#slots) {
      try {
        await s.loading;
        out.push(k);
      } catch {
        // failed loads are not loaded
      }
    }
    return out;
  }

  /** Every model of the manifest with what is loaded of it now. */
  async status(): Promise<ModelStatus[]> {
    const engines = new Map<ModelEntry, string[]>();
    for (const s of this.#slots.values()) {
      try {
        const l = await s.loading;
        engines.set(s.entry, [...(engines.get(s.entry) ?? []), l.engine]);
      } catch {
        // not loaded
      }
    }
    return this.manifest.models.map((m) => ({
      pipeline: m.pipeline,
      modelId: m.modelId,
      format: m.format,
      warm: m.warm,
      verified: m.files.every((f) => f.sha256 !== undefined),
      loaded: [...new Set(engines.get(m) ?? [])],
      price: {
        pricePerUnit: m.price.pricePerUnit.toString(),
        pixelsPerUnit: m.price.pixelsPerUnit.toString(),
      },
    }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(
      all.map(async (s) => {
        if (s.idleTimer) clearTimeout(s.idleTimer);
        try {
          await (await s.loading).release();
        } catch {
          // failed load, or already gone
        }
      }),
    );
  }
}

/** One job's view of the store: its model, and the engines that ran it (for the job result). */
export interface JobModels {
  readonly entry: ModelEntry;
  /** Runs `fn` on an ONNX file of the model (by role; the first file without one). */
  onnx<T>(fn: (m: OnnxModel) => Promise<T>, role?: string): Promise<T>;
  /** Runs `fn` on a part loaded by a pipeline's own loader (TF.js, transformers.js, …). */
  use<M, T>(part: string, loader: Loader<M>, fn: (model: M) => Promise<T>): Promise<T>;
  /** The engines this job ran on, in first-use order. */
  readonly engines: readonly string[];
}

export function jobModels(store: ModelStore, entry: ModelEntry): JobModels {
  const engines: string[] = [];
  const note = (engine: string) => {
    // A part that runs nothing (a key list, a tokenizer) reports the empty engine.
    if (engine && !engines.includes(engine)) engines.push(engine);
  };
  return {
    entry,
    engines,
    onnx: (fn, role) =>
      store.onnx(
        entry,
        (l) => {
          note(l.engine);
          return fn(l.model);
        },
        role,
      ),
    use: (part, loader, fn) =>
      store.use(entry, part, loader, (l) => {
        note(l.engine);
        return fn(l.model);
      }),
  };
}
