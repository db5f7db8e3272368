import { z } from "zod";
import { DEFAULT_LADDER, PRESETS } from "../protocol/profiles.ts";
import { LivepeerError } from "../wire/errors.ts";
import { DEFAULT_MEDIA_LIMITS } from "../wire/media.ts";
import { serviceURIProblem } from "../wire/service-uri.ts";

// Parsed once at the entry point (zod); nothing reads the environment at request time.
// Sections are owned by their areas; amounts are decimal strings or integers, parsed to bigint.

const hex = (bytes?: number) =>
  z
    .string()
    .regex(
      bytes ? new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`) : /^0x[0-9a-fA-F]*$/,
      "must be 0x-prefixed hex",
    )
    .transform((s) => s.toLowerCase() as `0x${string}`);
const address = hex(20);
const privateKey = hex(32);
const amount = z
  .union([z.string().regex(/^\d+$/, "must be a non-negative integer"), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));

export const priceSchema = z.object({
  /** Capability name: "transcode" or an AI pipeline ("upscale", "image-to-image", …). */
  capability: z.string().min(1),
  modelId: z.string().min(1).optional(),
  pricePerUnit: amount,
  pixelsPerUnit: amount.default(1n),
});

export const orchestratorSchema = z.object({
  privateKey,
  serviceURI: z.string().superRefine((uri, ctx) => {
    const problem = serviceURIProblem(uri);
    if (problem) ctx.addIssue({ code: "custom", message: `service URI refused: ${problem}` });
  }),
  capacity: z.number().int().positive().default(4),
  prices: z.array(priceSchema).default([]),
  /** Tokens a node-runner presents to attach to this orchestrator (stored hashed). */
  runnerTokens: z.array(z.string().min(16)).default([]),
  ticket: z
    .object({
      redeemGas: amount.default(1_200_000n),
      gasPrice: amount.default(100_000_000n),
      faceValueMultiplier: amount.default(100n),
      maxFaceValue: amount.optional(),
      /** Expected value per ticket, in wei. */
      ev: amount.default(1_000_000_000_000n),
      /** How many blocks ticket params stay valid (go-livepeer: 40 L1 blocks). */
      expiryBlocks: amount.default(40n),
      /** How far (wei) a sender's balance may go below zero before work is refused; 0 when absent. */
      creditLimit: amount.optional(),
    })
    .default({
      redeemGas: 1_200_000n,
      gasPrice: 100_000_000n,
      faceValueMultiplier: 100n,
      ev: 1_000_000_000_000n,
      expiryBlocks: 40n,
    }),
});

/** What the gateway will reach and read: peers' URLs and answers are bounded by these. */
const outboundSchema = z.object({
  /**
   * Private, loopback or link-local destinations the gateway may reach anyway: host names, IP
   * literals or CIDRs. Refused by default; the devnet and tests name loopback here on purpose.
   */
  allowPrivate: z.array(z.string().min(1)).default([]),
  /** Largest orchestrator info answer, bytes, and the one deadline for it (body and parsing). */
  infoMaxBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  infoTimeoutMs: z.number().int().positive().default(5_000),
  /** Largest job answer (the JSON, not the outputs), bytes. */
  answerMaxBytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  /** Largest output file fetched from an orchestrator, bytes, and the deadline per output. */
  outputMaxBytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  outputTimeoutMs: z.number().int().positive().default(60_000),
});

/** What the gateway will pay: bounds on the ticket params and prices an orchestrator offers. */
const spendSchema = z.object({
  /** Largest expected value of one ticket, wei (go-livepeer's maxTicketEV: 3000 gwei). */
  maxTicketEv: amount.default(3_000_000_000_000n),
  /** Largest face value of one ticket, wei: what one winning ticket can take from the deposit. */
  maxFaceValue: amount.default(100_000_000_000_000_000n),
  /** Largest fee of one job, wei (units × agreed price, as the gateway computes it). */
  maxFeePerJob: amount.default(10_000_000_000_000_000n),
  /** Largest EV sent to one orchestrator in one round, wei. */
  maxPerOrchestratorPerRound: amount.default(100_000_000_000_000_000n),
});

/** go-livepeer's HTTP push ingest (/live/{manifestId}/{seq}.ts): the ladder a stream gets by default. */
const pushSchema = z.object({
  /** Preset names (go-livepeer's -transcodingOptions); a stream may name others per request. */
  profiles: z
    .array(z.string().refine((n) => Object.hasOwn(PRESETS, n), "must be a preset name"))
    .min(1)
    .max(16)
    .default([...DEFAULT_LADDER]),
});

/** go-livepeer orchestrators this gateway pays over their own wire (gRPC + /segment, AI routes). */
const goWireSchema = z.object({
  /**
   * Orchestrator addresses, as go-livepeer's -orchAddr takes them: https://host:port (TLS, not
   * verified), http://host:port (h2c), or host:port (TLS).
   */
  orchAddr: z.array(z.string().min(1).max(300)).max(100).default([]),
  /**
   * Also probe the ledger's active orchestrators whose service URI does not answer this project's
   * JSON info with GetOrchestrator (go-livepeer's wire); off by default.
   */
  ledgerProbe: z.boolean().default(false),
});

const gatewaySchema = z.object({
  senderPrivateKey: privateKey.optional(),
  /** Orchestrator info cache TTL. */
  infoTtlMs: z.number().int().positive().default(30_000),
  /** Price caps per capability (wei per unit, per pixelsPerUnit). */
  maxPrices: z.array(priceSchema).default([]),
  /** The cap for a capability/model no `maxPrices` entry names: wei per unit, per pixelsPerUnit. */
  defaultMaxPrice: z
    .object({ pricePerUnit: amount, pixelsPerUnit: amount.default(1n) })
    .default({ pricePerUnit: 100_000n, pixelsPerUnit: 1n }),
  suspendAfterFailures: z.number().int().positive().default(3),
  requestTimeoutMs: z.number().int().positive().default(120_000),
  outbound: outboundSchema.default(outboundSchema.parse({})),
  spend: spendSchema.default(spendSchema.parse({})),
  push: pushSchema.default(pushSchema.parse({})),
  goWire: goWireSchema.default(goWireSchema.parse({})),
});

export const configSchema = z.object({
  roles: z
    .array(z.enum(["gateway", "orchestrator"]))
    .min(1)
    .default(["gateway", "orchestrator"]),
  host: z.string().default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  /** Public base URL of this edge (what runners and gateways reach). */
  publicUrl: z.string().url().optional(),
  database: z
    .object({ url: z.string().min(1), authToken: z.string().optional() })
    .default({ url: "file:.data/edge.db" }),
  ledger: z
    .discriminatedUnion("kind", [
      z.object({
        kind: z.literal("devnet"),
        /** Path to a genesis JSON file; the built-in living network when absent. */
        genesisFile: z.string().optional(),
        /** Wall-clock round length in seconds; 0 means rounds advance only on request. */
        roundSeconds: z.number().int().nonnegative().default(60),
        /** Devnet block time in milliseconds (ticket params expire in blocks). */
        blockMs: z.number().int().positive().default(1000),
      }),
      z.object({
        kind: z.literal("chain"),
        rpcUrl: z.string().url(),
        /** The chain id the RPC must answer with; any chain is accepted (and printed) when absent. */
        chainId: z.number().int().positive().optional(),
        /** The Controller whose registry names the contracts; Arbitrum One's by default. */
        controller: address.default("0xd8e8328501e9645d16cf49539efc04f734606ee4"),
        /** Blocks a receipt must be buried under before a write counts as done. */
        confirmations: z.number().int().nonnegative().default(0),
        /** How often receipts and new blocks are polled. */
        pollingIntervalMs: z.number().int().positive().default(1000),
        /** First block scanned for protocol events (the deployment's block). */
        fromBlock: amount.optional(),
        /** EIP-1559 caps, wei per gas: the most a write may bid, and the most it may tip. */
        maxFeePerGas: amount.optional(),
        maxPriorityFeePerGas: amount.optional(),
        /** A write unmined after this long is sent again at its nonce with 12.5% higher fees (0: never). */
        replaceAfterMs: z.number().int().nonnegative().default(120_000),
      }),
    ])
    .default({ kind: "devnet", roundSeconds: 60, blockMs: 1000 }),
  /** 32-byte hex secret for recipientRand derivation; generated and kept in the database when absent. */
  ticketSecret: privateKey.optional(),
  orchestrators: z.array(orchestratorSchema).default([]),
  /**
   * Reward-caller keys by orchestrator address (BondingManager.setRewardCaller): the scheduler calls
   * rewardForTranscoder with them, so an orchestrator's own key need not be on this edge at all.
   */
  rewardCallers: z.record(address, privateKey).default({}),
  gateway: gatewaySchema.default(gatewaySchema.parse({})),
  scheduler: z
    .object({
      enabled: z.boolean().default(true),
      intervalMs: z.number().int().positive().default(5_000),
      initializeRounds: z.boolean().default(true),
      reward: z.boolean().default(true),
      redeem: z.boolean().default(true),
    })
    .default({ enabled: true, intervalMs: 5_000, initializeRounds: true, reward: true, redeem: true }),
  api: z
    .object({
      /** "required": consumers need an API key; "off": open (the local network's default). */
      keys: z.enum(["required", "off"]).default("off"),
      /** Admin token for issuing and revoking API keys. */
      adminToken: z.string().min(16).optional(),
      rateLimitPerMinute: z.number().int().positive().default(600),
      bodyLimitBytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024 * 1024),
    })
    .default({ keys: "off", rateLimitPerMinute: 600, bodyLimitBytes: 64 * 1024 * 1024 }),
  blobs: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("fs"), dir: z.string().default(".data/blobs") }),
      z.object({
        kind: z.literal("s3"),
        endpoint: z.string().url(),
        bucket: z.string().min(1),
        region: z.string().default("auto"),
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
      }),
    ])
    .default({ kind: "fs", dir: ".data/blobs" }),
  jobs: z
    .object({
      visibilityTimeoutMs: z.number().int().positive().default(30_000),
      maxAttempts: z.number().int().positive().default(3),
      syncTimeoutMs: z.number().int().positive().default(120_000),
      /** Finished jobs' blobs (inputs and outputs) are deleted this long after they end (0: kept). */
      retentionSec: z.number().int().nonnegative().default(86_400),
    })
    .prefault({}),
  /** Bounds on uploads, checked by the gateway and again by the orchestrator before a job exists. */
  media: z
    .object({
      maxSegmentSec: z.number().positive().default(DEFAULT_MEDIA_LIMITS.maxSegmentSec),
      maxPixelsPerSec: z.number().positive().default(DEFAULT_MEDIA_LIMITS.maxPixelsPerSec),
      maxImageDim: z.number().int().positive().default(DEFAULT_MEDIA_LIMITS.maxImageDim),
      maxImagePixels: z.number().int().positive().default(DEFAULT_MEDIA_LIMITS.maxImagePixels),
    })
    .prefault({}),
});

export type EdgeConfigInput = z.input<typeof configSchema>;
export type EdgeConfig = z.output<typeof configSchema>;
export type OrchestratorConfig = EdgeConfig["orchestrators"][number];
export type PriceConfig = z.output<typeof priceSchema>;

/** Thrown when the configuration is invalid; the entry prints it and exits non-zero. */
export class ConfigError extends LivepeerError<"CONFIG_INVALID"> {
  readonly issues: string[];
  constructor(issues: string[]) {
    super("CONFIG_INVALID", `invalid configuration:\n  ${issues.join("\n  ")}`, { details: { issues } });
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Validates a config object; throws ConfigError listing every problem with its path. */
export function parseConfig(input: unknown): EdgeConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return result.data;
}
