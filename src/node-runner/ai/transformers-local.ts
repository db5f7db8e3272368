import { dirname, posix, relative, sep } from "node:path";
import { LivepeerError } from "../../wire/errors.ts";

// transformers.js for operator-supplied model folders: local files only, nothing is ever fetched.

export type Transformers = typeof import("@huggingface/transformers");

/**
 * The library, with its settings set for local files only (remote models and its download cache
 * off). They are module-wide, so they are set again before every load.
 */
export async function localTransformers(): Promise<Transformers> {
  let t: Transformers;
  try {
    t = await import("@huggingface/transformers");
  } catch (err) {
    throw new LivepeerError("ENGINE_UNAVAILABLE", "transformers.js does not load on this runtime", {
      details: { needs: "@huggingface/transformers", reason: String(err) },
    });
  }
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.useFSCache = false;
  return t;
}

/**
 * The folder the files sit in (the one holding `config.json`), checked against the layout
 * transformers.js reads: it opens files by these names, so a manifest naming other paths would
 * verify files that are never loaded. `layout` maps each role present to its path in the folder.
 */
export function transformersFolder(
  what: string,
  paths: Record<string, string>,
  layout: Record<string, string>,
): string {
  const config = paths.config;
  if (!config) {
    throw new LivepeerError("INVALID_MANIFEST", `${what} model needs a config file (config.json)`, {
      details: { roles: Object.keys(paths) },
    });
  }
  const folder = dirname(config);
  for (const [role, name] of Object.entries(layout)) {
    const path = paths[role];
    if (path === undefined) continue;
    const rel = relative(folder, path).split(sep).join(posix.sep);
    if (rel !== name) {
      throw new LivepeerError("INVALID_MANIFEST", `${what} file ${role} must be ${name} beside config.json`, {
        details: { role, path, expected: name },
      });
    }
  }
  return folder;
}
