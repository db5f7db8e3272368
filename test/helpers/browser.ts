import { expect } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { which } from "../../src/node-runner/ffmpeg/locate.ts";

/** A Chromium the tests can launch, or why there is none. Never downloads a browser. */
export type FoundChromium =
  | { ok: true; source: "system" | "@sparticuz/chromium"; executablePath: string; args: string[] }
  | { ok: false; reason: string };

// Headless, and nothing of Chromium's own (updates, sync, QUIC probes) reaches for the network.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The system's Chromium (Debian's apt package) when there is one, else the build shipped inside
 * @sparticuz/chromium: its executablePath() unpacks it under the temp dir, and it runs with the
 * package's own flags.
 */
export async function findChromium(): Promise<FoundChromium> {
  const system = ["chromium", "chromium-browser"].map((n) => which(n)).find((p) => p !== null);
  if (system) return { ok: true, source: "system", executablePath: system, args: ARGS };
  if (process.platform !== "linux" || process.arch !== "x64") {
    return { ok: false, reason: `no system chromium, and @sparticuz/chromium is built for linux-x64 only` };
  }
  try {
    const { default: sparticuz } = await import("@sparticuz/chromium");
    const executablePath = await unpackOnce(() => sparticuz.executablePath());
    return { ok: true, source: "@sparticuz/chromium", executablePath, args: [...sparticuz.args, ...ARGS] };
  } catch (err) {
    return {
      ok: false,
      reason: `no system chromium, and @sparticuz/chromium failed: ${(err as Error).message}`,
    };
  }
}

/**
 * @sparticuz/chromium writes straight to fixed paths under the temp dir and trusts any file it
 * finds there, so two test runs unpacking at once could launch a half-written binary. One run
 * unpacks under a lock folder and leaves a marker; the others wait for the marker.
 */
async function unpackOnce(unpack: () => Promise<string>): Promise<string> {
  const lock = join(tmpdir(), "sparticuz-chromium.lock");
  const ready = join(tmpdir(), "sparticuz-chromium.ready");
  const deadline = Date.now() + 5 * 60_000;
  // A temp-dir cleaner may have removed the browser but left the marker.
  if (existsSync(ready) && !existsSync(join(tmpdir(), "chromium"))) rmSync(ready, { force: true });
  while (!existsSync(ready)) {
    if (tryMkdir(lock)) {
      try {
        if (existsSync(ready)) break;
        // Whatever is there was left by a run that died before its marker: unpack afresh.
        for (const leftover of UNPACKED) {
          rmSync(join(tmpdir(), leftover), { recursive: true, force: true });
        }
        const path = await unpack();
        writeFileSync(ready, path);
        return path;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`${lock} held for 5 minutes`);
    // A lock older than the unpack can take belongs to a run that was killed.
    if (Date.now() - mtimeMs(lock) > 3 * 60_000) rmSync(lock, { recursive: true, force: true });
    await Bun.sleep(250);
  }
  return unpack(); // the marker is there: executablePath() returns the unpacked file at once
}

/** What @sparticuz/chromium 147 unpacks into the temp dir (the browser, its fonts, SwiftShader). */
const UNPACKED = [
  "chromium",
  "fonts",
  "libEGL.so",
  "libGLESv2.so",
  "libvk_swiftshader.so",
  "libvulkan.so.1",
  "vk_swiftshader_icd.json",
];

function tryMkdir(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** A temp dir for screenshots and the profile; removed by close(). */
  dir: string;
  /** Every URL the page asked for, in order (http(s), data: and others alike). */
  requests: string[];
  /** Requests to anything but loopback: aborted, and listed here for the test to assert on. */
  offLoopback: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** Closes the browser and removes the temp dir (profile, screenshots). */
  close(): Promise<void>;
}

/** True for URLs that stay on this machine: loopback HTTP, or inline data:/blob:/about: URLs. */
export function isLocal(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === "data:" || u.protocol === "blob:" || u.protocol === "about:") return true;
  return (u.protocol === "http:" || u.protocol === "https:") && u.hostname === "127.0.0.1";
}

/**
 * Launches Chromium (playwright-core, fresh profile in a temp dir). Requests are recorded; any
 * that would leave loopback is aborted and recorded in `offLoopback`, so a test can prove a page
 * works offline without the machine's network mattering.
 */
export async function launchBrowser(found: FoundChromium, prefix = "browser-test-"): Promise<TestBrowser> {
  if (!found.ok) throw new Error(found.reason);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const requests: string[] = [];
  const offLoopback: string[] = [];
  const pageErrors: string[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: found.executablePath,
      headless: true,
      args: found.args,
      viewport: { width: 1280, height: 900 },
      // A valid locale whatever the host's LANG: with LANG=C the @sparticuz build reports
      // navigator.language "en-US@posix", which Intl (and so uPlot) refuses.
      locale: "en-US",
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    context.on("request", (req) => requests.push(req.url()));
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      offLoopback.push(url);
      return route.abort("internetdisconnected");
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (err) => pageErrors.push(err.message));
    return { context, page, dir, requests, offLoopback, pageErrors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length > sig.length && sig.every((b, i) => bytes[i] === b);
}

/** Screenshots the page into the browser's dir, checks it is a PNG, keeps a copy in $KEEP_SCREENSHOTS when set. */
export async function screenshot(b: TestBrowser, name: string, fullPage = false): Promise<Uint8Array> {
  const file = join(b.dir, name);
  await b.page.screenshot({ path: file, fullPage });
  const bytes = readFileSync(file);
  expect(isPng(bytes)).toBe(true);
  const keep = process.env.KEEP_SCREENSHOTS;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    copyFileSync(file, join(keep, name));
  }
  return bytes;
}

/** The page asked nothing of any host but the edge at `edgeUrl` (data:, blob:, about: aside) and threw nothing. */
export function expectOnlyLoopback(b: TestBrowser, edgeUrl: string): void {
  expect(b.offLoopback).toEqual([]);
  const host = new URL(edgeUrl).host;
  for (const url of b.requests) {
    const u = new URL(url);
    if (u.protocol === "data:" || u.protocol === "blob:" || u.protocol === "about:") continue;
    expect(u.host).toBe(host);
  }
  expect(b.pageErrors).toEqual([]);
}
