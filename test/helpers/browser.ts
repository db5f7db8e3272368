import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (apt); tests skip when it is absent. Never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

// Headless, and nothing of Chromium's own (updates, sync, QUIC probes) reaches for the network.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

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
export async function launchBrowser(prefix = "browser-test-"): Promise<TestBrowser> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const requests: string[] = [];
  const offLoopback: string[] = [];
  const pageErrors: string[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
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
