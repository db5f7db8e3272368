import { feeForUnits, pricePerPixel } from "../../../protocol/pricing.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import {
  type OrchestratorClientOptions,
  type PaymentResultJson,
  sendTickets,
} from "../../../wire/orchestrator-client.ts";
import { type PaymentJson, type PriceInfo, priceFromJson } from "../../../wire/payment.ts";
import type { AppDeps } from "../../deps.ts";
import {
  type DiscoveredOrchestrator,
  invalidateInfo,
  type SelectForJobOptions,
  selectForJob,
} from "./discovery.ts";
import { type CreatedPayment, createPayment, recordPaymentResult } from "./sender.ts";

export interface JobPaymentRequest {
  capability: string;
  modelId?: string;
  /** Billable units (pixels for transcoding, AI units); the fee is units × the pinned price. */
  units?: bigint;
  /** A fee in wei computed by the caller; wins over `units`. */
  fee?: bigint;
  maxPrice?: PriceInfo;
  /** Tickets to send at least (default 1). */
  minTickets?: number;
}

export interface JobPayment {
  orchestrator: DiscoveredOrchestrator;
  /** The price the payment is pinned to (the orchestrator's price for the capability). */
  price: PriceInfo;
  fee: bigint;
  created: CreatedPayment;
  /** Attach this to the job request sent to `orchestrator.serviceURI`. */
  payment: PaymentJson;
}

/**
 * Picks an orchestrator for a job and signs a payment for it (the gateway's one call per job
 * attempt). Fee = `fee`, else ceil(units × pricePerUnit / pixelsPerUnit) at the orchestrator's
 * pinned price. Afterwards call `recordPaymentResult` with the orchestrator's ticket result, and
 * `reportOrchestratorSuccess`/`reportOrchestratorFailure` with the job's outcome.
 * An orchestrator whose fee would pass `gateway.spend.maxFeePerJob`, or whose tickets would pass
 * `gateway.spend.maxPerOrchestratorPerRound`, is skipped for another.
 * Throws NO_ORCHESTRATOR_AVAILABLE (none left), GATEWAY_SENDER_MISSING, or INVALID_UNITS (neither fee nor units).
 *
 * @example
 * const jp = await payForJob(deps, { capability: "transcode", units: pixels });
 * // then POST the job with jp.payment to serviceURL(jp.orchestrator.serviceURI, "/v1/orchestrator/jobs")
 */
export async function payForJob(
  deps: AppDeps,
  req: JobPaymentRequest,
  options: SelectForJobOptions = {},
): Promise<JobPayment> {
  if (req.fee === undefined && req.units === undefined) {
    throw new LivepeerError("INVALID_UNITS", "payForJob needs a fee or units");
  }
  const query = {
    capability: req.capability,
    ...(req.modelId === undefined ? {} : { modelId: req.modelId }),
    ...(req.maxPrice === undefined ? {} : { maxPrice: req.maxPrice }),
  };
  const exclude = [...(options.exclude ?? [])];
  const maxFee = deps.config.gateway.spend.maxFeePerJob;
  for (let attempt = 0; ; attempt++) {
    const orchestrator = await selectForJob(deps, query, { ...options, exclude });
    const price = priceFromJson(orchestrator.info.priceInfo);
    const fee =
      req.fee ?? feeForUnits(req.units ?? 0n, pricePerPixel(price.pricePerUnit, price.pixelsPerUnit));
    // Over the per-job or per-round budget at this orchestrator: another one may be cheaper or fresher.
    if (fee > maxFee) {
      exclude.push(orchestrator.address);
      deps.logger.info("job fee over the per-job cap", {
        orchestrator: orchestrator.address,
        fee: String(fee),
      });
      if (req.fee !== undefined)
        throw new LivepeerError("GATEWAY_SPEND_LIMIT", `fee ${fee} is above ${maxFee}`);
      continue;
    }
    try {
      const created = await createPayment(
        deps,
        orchestrator.info,
        fee,
        req.minTickets === undefined ? {} : { minTickets: req.minTickets },
      );
      return { orchestrator, price, fee, created, payment: created.json };
    } catch (err) {
      // Params out of nonces: drop them and ask the orchestrator for fresh ones, once.
      if (attempt === 0 && err instanceof LivepeerError && err.code === "TICKET_NONCE_LIMIT") {
        invalidateInfo(deps, orchestrator.address);
        continue;
      }
      if (err instanceof LivepeerError && err.code === "GATEWAY_SPEND_LIMIT") {
        exclude.push(orchestrator.address);
        continue;
      }
      throw err;
    }
  }
}

/**
 * Sends a payment on its own (POST /v1/orchestrator/tickets) and applies the answer to the
 * gateway-side balance. Useful to pre-fund a session before a burst of jobs.
 */
export async function sendPayment(
  deps: AppDeps,
  serviceURI: string,
  created: CreatedPayment,
  clientOptions: OrchestratorClientOptions = {},
): Promise<PaymentResultJson> {
  const result = await sendTickets(serviceURI, created.json, clientOptions);
  await recordPaymentResult(deps, created, result);
  return result;
}
