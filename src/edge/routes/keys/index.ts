import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HonoEnv } from "../../deps.ts";
import { authErrorResponses, errorResponses, notFoundResponse } from "../../http/problem.ts";
import { issueApiKey, listApiKeys, revokeApiKey } from "../../services/apikeys/keys.ts";
import { JobError } from "../../services/jobs/errors.ts";
import { sha256Hex } from "../../services/jobs/ids.ts";

// Admin routes for consumer API keys, authorised by config.api.adminToken (Bearer).

const tags = ["admin"];
const security = [{ adminToken: [] }];

const KeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    rateLimitPerMinute: z.number().int(),
    createdAt: z.number().int(),
    revokedAt: z.number().int().nullable(),
  })
  .openapi("ApiKey");

async function admin(c: Context<HonoEnv>): Promise<void> {
  const expected = c.get("deps").config.api.adminToken;
  const given = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  // Compare hashes so the comparison takes the same time whatever the prefix in common.
  if (!expected || !given || (await sha256Hex(given)) !== (await sha256Hex(expected))) {
    throw new JobError(
      "ADMIN_TOKEN_INVALID",
      "admin token required (Authorization: Bearer <api.adminToken>)",
    );
  }
}

const issue = createRoute({
  method: "post",
  path: "/v1/admin/keys",
  tags,
  security,
  summary: "Issue an API key (the key is shown once)",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            name: z.string().min(1).max(100),
            rateLimitPerMinute: z.number().int().positive().max(1_000_000).optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: "The new key",
      content: { "application/json": { schema: KeySchema.extend({ key: z.string() }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
  },
});

const list = createRoute({
  method: "get",
  path: "/v1/admin/keys",
  tags,
  security,
  summary: "List API keys (hashes are never shown)",
  responses: {
    200: {
      description: "Keys",
      content: { "application/json": { schema: z.object({ keys: z.array(KeySchema) }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/v1/admin/keys/{id}",
  tags,
  security,
  summary: "Revoke an API key",
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: {
    204: { description: "Revoked" },
    ...errorResponses,
    ...authErrorResponses,
    ...notFoundResponse,
  },
});

export function keysRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(issue, async (c) => {
    await admin(c);
    const body = c.req.valid("json");
    const key = await issueApiKey(c.get("deps"), {
      name: body.name,
      ...(body.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: body.rateLimitPerMinute }),
    });
    return c.json(key, 201);
  });

  app.openapi(list, async (c) => {
    await admin(c);
    return c.json({ keys: await listApiKeys(c.get("deps")) }, 200);
  });

  app.openapi(revoke, async (c) => {
    await admin(c);
    const { id } = c.req.valid("param");
    if (!(await revokeApiKey(c.get("deps"), id))) throw new JobError("JOB_NOT_FOUND", `no live key ${id}`);
    return c.body(null, 204);
  });
}
