// Real-browser helpers: Debian's Chromium driven over CDP by playwright-core
// (which never downloads a browser here), numbered screenshots of every step,
// and a collector for what a page complains about (script errors, CSP).
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { SOURCE_DIR } from "./server.mjs";

export const CHROMIUM = process.env.ANTCDN_CHROMIUM ?? "/usr/bin/chromium";

// Headless and quiet: no GPU, no QUIC, no background traffic to Google, and
// autoplay allowed so the viewer's muted autoplay is not at the mercy of
// Chromium's engagement heuristics.
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

// Launches Chromium with a fresh profile (chromium.launch makes a temporary
// user data dir and removes it on close). A missing browser is a failure with
// instructions, not a skip: CI installs it, and a silent skip would hide that.
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. The browser tests drive Debian's Chromium: ` +
      "install it with `apt-get install chromium` (or set ANTCDN_CHROMIUM to another Chromium binary). " +
      "Do not use `npx playwright install`.");
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

// Numbered full-page screenshots of one test's steps in
// {ANTCDN_SOURCE_DIR or cwd}/test-artifacts/browser/<test>-<nn>-<step>.png.
// The test's screenshots from an earlier run are removed first.
export class Screenshots {
  constructor(testName) {
    this.dir = path.join(SOURCE_DIR, "test-artifacts", "browser");
    this.prefix = slug(testName);
    this.count = 0;
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir)) {
      if (f.startsWith(`${this.prefix}-`) && f.endsWith(".png")) rmSync(path.join(this.dir, f));
    }
  }

  async take(page, step) {
    this.count += 1;
    const n = String(this.count).padStart(2, "0");
    const file = path.join(this.dir, `${this.prefix}-${n}-${slug(step)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }
}

// Collects, for every page of `context` (popups included), uncaught script
// errors and Content-Security-Policy refusals: the pages are served with a
// strict CSP, and an inline script or style would only show up here.
export function collectProblems(context) {
  const problems = [];
  const watch = (page) => {
    page.on("pageerror", (err) => problems.push(`${page.url()}: uncaught ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && /Content Security Policy|Refused to/i.test(msg.text())) {
        problems.push(`${page.url()}: ${msg.text()}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  return problems;
}
