import { feeForUnits, pricePerPixel } from "../../../protocol/pricing.ts";
import type { WireSpec } from "../../../wire/jobs.ts";
import type { MediaInfo } from "../../../wire/media.ts";
import type { PriceInfo } from "../../../wire/payment.ts";
import { PIPELINES, pipelineSpec } from "../../../wire/pipelines.ts";
import type { AppDeps } from "../../deps.ts";
import { aiRequestUnits, probeSegment } from "../consumer/inputs.ts";
import { JobError } from "./errors.ts";

/**
 * The fee a job will cost at `price`, counted by the orchestrator from the inputs it received with
 * the same probes and unit rules the gateway used to pay (docs/protocol.md#pricing-and-work-units).
 * Checks the media limits on the way: a bad or oversized input throws before any ticket is credited.
 * A segment read by ffprobe comes back as `probe`, for the runner (which then skips its own probe);
 * a reading of the container header alone (runtimes that cannot spawn ffprobe) does not.
 */
export async function expectedFee(
  deps: AppDeps,
  spec: WireSpec,
  files: readonly { name: string; bytes: Uint8Array }[],
  price: PriceInfo,
): Promise<{ fee: bigint; probe?: MediaInfo }> {
  const bytesOf = (name: string | undefined) => files.find((f) => f.name === name)?.bytes;
  let units: bigint;
  let probe: MediaInfo | undefined;
  if (spec.kind === "transcode") {
    const segment = bytesOf(spec.input);
    if (!segment) throw new JobError("INVALID_INPUT", `missing input file "${spec.input}"`);
    const info = await probeSegment(deps.mediaProbe, segment, deps.config.media);
    units = PIPELINES.transcode.units({
      video: { renditions: spec.profiles, durationSec: info.durationSec },
      params: {},
    });
    if (deps.mediaProbe.name === "ffprobe") probe = info.media;
  } else {
    const known = pipelineSpec(spec.pipeline);
    if (known?.kind !== "ai") throw new JobError("UNKNOWN_PIPELINE", `unknown pipeline ${spec.pipeline}`);
    const main = known.file ? bytesOf(spec.files[known.file]) : undefined;
    units = (await aiRequestUnits(deps.mediaProbe, known, main, spec.params, deps.config.media)).units;
  }
  const fee = feeForUnits(units, pricePerPixel(price.pricePerUnit, price.pixelsPerUnit));
  return probe ? { fee, probe } : { fee };
}
