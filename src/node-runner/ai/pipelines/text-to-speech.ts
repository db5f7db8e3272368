import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { loadVits, VITS_FILES, type Vits, type VitsRole, vitsFolder } from "../speech/vits.ts";
import type { Loader } from "../store.ts";
import { encodeWav16 } from "../wav.ts";
import { invalidInput, ms, type Pipeline } from "./types.ts";

/** Every VITS file verified against its manifest hash, then the folder loaded by transformers.js. */
export const vitsLoader: Loader<Vits> = async (_entry, ctx) => {
  const paths = {} as Record<VitsRole, string>;
  for (const role of Object.keys(VITS_FILES) as VitsRole[]) paths[role] = await ctx.verifiedPath(role);
  const vits = await loadVits(vitsFolder(paths));
  return { model: vits, engine: "transformers.js/cpu", exclusive: true, release: () => vits.release() };
};

/**
 * text-to-speech with an operator's VITS model (format "transformers"): the text is tokenized by the
 * model's tokenizer and spoken in one pass; the answer is a mono 16-bit WAV at the model's
 * sampling rate (output "audio"). A `description` (Parler-TTS's voice prompt in go-livepeer's
 * request) cannot steer a VITS voice: it is not used, and the answer says so.
 * Units: 1000 × characters, as Livepeer bills text-to-speech.
 */
export const textToSpeech: Pipeline = async (run) => {
  const t0 = performance.now();
  const text = run.params.text;
  if (typeof text !== "string" || text.trim() === "") throw invalidInput("text must be a non-empty string");
  const speech = await run.models.use("transformers", vitsLoader, (vits) => vits.speak(text));
  const t1 = performance.now();
  const path = join(run.workDir, "audio.wav");
  await writeFile(path, encodeWav16(speech.samples, speech.sampleRate));
  run.onProgress(1);
  const description = run.params.description;
  return {
    outputs: [
      {
        name: "audio",
        path,
        contentType: "audio/wav",
        durationSec: speech.samples.length / speech.sampleRate,
      },
    ],
    data: {
      sampleRate: speech.sampleRate,
      samples: speech.samples.length,
      durationSec: Math.round((speech.samples.length / speech.sampleRate) * 1000) / 1000,
      tokens: speech.tokens,
      ...(typeof description === "string" && description !== "" ? { descriptionUsed: false } : {}),
    },
    units: PIPELINES["text-to-speech"].units({ params: { text } }),
    timings: { speakMs: t1 - t0, encodeMs: ms(t1) },
  };
};
