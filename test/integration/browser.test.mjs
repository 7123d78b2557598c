// The broadcaster console and the viewer page in a real browser (Debian's
// Chromium via playwright-core) against the real binary, with ffmpeg as the
// encoder. Every step is screenshotted to test-artifacts/browser/ and every
// wait is on real state (the page's DOM, the video element, hls.js, the API),
// never a fixed sleep.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, stopServer } from "./lib/server.mjs";
import { createStream, waitState } from "./lib/streams.mjs";
import { makeClip, publishLive as publishLiveClip, startProcess } from "./lib/media.mjs";
import { launchBrowser, Screenshots, collectProblems } from "./lib/browser.mjs";

let server;
let dataDir;
let browser;
let clip;

before(async () => {
  // Launch first: without Chromium there is nothing to test (and the error says why).
  browser = await launchBrowser();
  ({ server, dataDir } = await startServer());
  // 480p at 30 fps with a 2 s GOP: "standard" makes 480p and 360p from it, the
  // smallest ladder with a choice in it, and cheap enough for two cores.
  clip = await makeClip(path.join(dataDir, "source.flv"), {
    seconds: 4, size: "854x480", rate: 30, gop: 60, audio: false,
  });
});

after(async () => {
  // ANTCDN_TEST_LOGS=1 (or a server that died) shows the server's log.
  const died = server?.proc && (server.proc.exitCode !== null || server.proc.signalCode !== null);
  if (died || process.env.ANTCDN_TEST_LOGS) {
    console.error(`antcdn ${died ? "exited" : "log"}:\n${server.stderr.split("\n").slice(-80).join("\n")}`);
  }
  await browser?.close();
  await stopServer(server, dataDir);
});

// ------------------------------------------------------------------ helpers

const VIEW = (view) => `body[data-view="${view}"]`;

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  // The Copy buttons write to the clipboard; the test reads it back.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  return { context, problems: collectProblems(context) };
}

// Waits until the viewer shows the player with decoded pictures and the
// playhead past `after` seconds; returns the playhead.
async function waitPlaying(page, { after = 0, timeoutMs = 30000 } = {}) {
  const handle = await page.waitForFunction((t) => {
    const v = document.querySelector("video");
    const ok = document.body.dataset.view === "player" && v.videoWidth > 0 && !v.paused && v.currentTime > t;
    return ok && v.currentTime;
  }, after, { timeout: timeoutMs, polling: 100 });
  return handle.jsonValue();
}

// The playhead moves: it gets `seconds` further than where it is now.
async function assertAdvancing(page, seconds = 1.5) {
  const t0 = await page.evaluate(() => document.querySelector("video").currentTime);
  await waitPlaying(page, { after: t0 + seconds, timeoutMs: 15000 });
}

function viewerState(page) {
  return page.evaluate(() => ({
    ...window.__viewer.state(),
    fatalErrors: window.__viewer.fatalErrors,
    videoWidth: document.querySelector("video").videoWidth,
    videoHeight: document.querySelector("video").videoHeight,
  }));
}

function publishLive(url) {
  return publishLiveClip(url, clip);
}

// Signs in to the console on `page` with the server's API key.
async function signIn(page) {
  await page.goto(server.apiBase + "/console");
  await page.getByTestId("api-key-input").fill(server.apiKey);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("dashboard").waitFor();
}

// Clicks a stream's action button, then the confirmation's button.
async function confirmAction(item, action, confirm) {
  await item.getByTestId(action).click();
  await item.getByTestId(confirm).click();
}

// At phone width nothing may stick out sideways; a screenshot shows the rest.
async function checkNarrow(page, shots, step) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shots.take(page, step);
  await page.setViewportSize(size);
  assert.ok(overflow <= 0, `${step}: the page is ${overflow} px wider than a 390 px window`);
}

// Stops ffmpeg the way an encoder's "stop streaming" does: it unpublishes.
async function stopGracefully(publisher) {
  publisher.kill("SIGINT");
  const r = await publisher.wait(15000);
  assert.equal(r.timedOut, false, "ffmpeg stopped on SIGINT");
}

// ------------------------------------------------------------------ tests

test("the guide's flow: sign in, create, go live, watch, switch quality, stream ends",
  { timeout: 120000 }, async (t) => {
    const shots = new Screenshots("console-and-viewer");
    const { context, problems } = await newContext();
    let publisher;
    try {
      const page = await context.newPage();

      // / sends the broadcaster to the console.
      await page.goto(server.apiBase + "/");
      assert.equal(new URL(page.url()).pathname, "/console");
      await page.getByTestId("signin").waitFor();
      await shots.take(page, "sign-in");

      // A wrong key is refused visibly, in the alert region.
      await page.getByTestId("api-key-input").fill("ak_wrong");
      await page.getByTestId("sign-in").click();
      await page.waitForFunction(() => document.querySelector("[role=alert]").textContent.includes("not accepted"));
      await shots.take(page, "wrong-key");

      await page.getByTestId("api-key-input").fill(server.apiKey);
      await page.getByTestId("sign-in").click();
      await page.getByTestId("dashboard").waitFor();
      assert.ok(!page.url().includes(server.apiKey), "the API key never goes into a URL");
      assert.equal(await page.evaluate(() => Object.values(sessionStorage).join()), server.apiKey,
        "the API key is kept in sessionStorage");
      assert.equal(await page.evaluate(() => Object.values(localStorage).length), 0);
      await page.getByTestId("create-name").waitFor();
      await shots.take(page, "signed-in");

      // Create a standard stream in the UI; the key is shown once, masked.
      await page.getByTestId("create-name").fill("Friday Night Stream");
      await page.getByTestId("create-quality").selectOption("standard");
      await page.getByTestId("create-submit").click();
      const credentials = page.getByTestId("credentials");
      await credentials.waitFor();
      assert.match(await page.getByTestId("stream-key").textContent(), /^•+$/, "the key starts masked");
      assert.match(await credentials.textContent(), /shown only this once/i);
      const obs = await credentials.getByTestId("obs-settings").textContent();
      for (const fact of ["Custom", "Keyframe interval2 s", "x264", "AAC", "4000–6000 kbps"]) {
        assert.ok(obs.includes(fact), `OBS settings mention ${fact}: ${obs}`);
      }
      await shots.take(page, "created-key-masked");

      await page.getByTestId("show-key").click();
      const streamKey = (await page.getByTestId("stream-key").textContent()).trim();
      assert.match(streamKey, /^sk_live_[0-9a-z]+$/);
      const rtmpServer = (await page.getByTestId("rtmp-server").textContent()).trim();
      assert.equal(rtmpServer, server.rtmpUrl);
      await page.getByTestId("copy-key").click();
      await page.getByTestId("copy-key").filter({ hasText: "Copied" }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), streamKey, "Copy copies the key");
      await shots.take(page, "created-key-shown");

      const item = page.getByTestId("stream-item").filter({ hasText: "Friday Night Stream" });
      const streamId = await item.getAttribute("data-stream-id");
      assert.equal(await item.getByTestId("stream-latency").textContent(), "Low latency", "the default latencyMode");
      assert.equal(await item.getByTestId("state-badge").getAttribute("data-state"), "idle");

      // Go live with the key read from the page, as a broadcaster would paste it.
      publisher = publishLive(`${rtmpServer}/${streamKey}`);
      await page.waitForSelector(
        `[data-stream-id="${streamId}"] [data-testid=state-badge][data-state=live]`, { timeout: 45000 });
      await page.getByTestId("dismiss-credentials").click();
      assert.equal(await credentials.isHidden(), true);
      // On air, the panel shows the stream's health (docs/api.md, "Stream health").
      await page.waitForFunction((id) => / fps · /.test(document.querySelector(
        `[data-stream-id="${id}"] [data-testid=stream-health]`)?.textContent ?? ""), streamId,
      { timeout: 15000 });
      await shots.take(page, "console-live");
      await checkNarrow(page, shots, "console-live-narrow");

      // On air, deleting and rotating are refused with an explanation, and the
      // forced rotation is offered (cancelled here: it would cut the broadcast).
      await confirmAction(item, "delete-stream", "confirm-delete");
      await item.getByTestId("confirm").filter({ hasText: "cannot be deleted" }).waitFor();
      await shots.take(page, "delete-refused-live");
      await item.getByTestId("confirm-ok").click();
      await confirmAction(item, "rotate-key", "confirm-rotate");
      await item.getByTestId("confirm-force-rotate").waitFor();
      assert.match(await item.getByTestId("confirm").textContent(), /disconnect the encoder/);
      await shots.take(page, "rotate-refused-live");
      await item.getByTestId("confirm-cancel").click();
      assert.equal(await item.getByTestId("confirm").isHidden(), true);

      // On air, a quality change is refused with an explanation; a rename alone is taken.
      await item.getByTestId("edit-stream").click();
      await item.getByTestId("edit-name").fill("Friday Night Stream (live)");
      await item.getByTestId("edit-quality").selectOption("high");
      await item.getByTestId("edit-save").click();
      await item.getByTestId("edit-message").filter({ hasText: "is on air" }).waitFor();
      await shots.take(page, "edit-refused-live");
      await item.getByTestId("edit-quality").selectOption("standard");
      await item.getByTestId("edit-save").click();
      await item.getByTestId("confirm").waitFor({ state: "hidden" });
      assert.equal(await item.getByTestId("stream-name").textContent(), "Friday Night Stream (live)");
      const renamed = await (await server.api(`/v1/live-streams/${streamId}`)).json();
      assert.equal(renamed.name, "Friday Night Stream (live)");
      assert.equal(renamed.quality, "standard");

      // The viewer link sits on the edge: {edgeBase}/watch/{edgeId}.
      const stream = await (await server.api(`/v1/live-streams/${streamId}`)).json();
      assert.equal(stream.ingest.streamKey, undefined, "the API does not give the key back");
      const link = item.getByTestId("viewer-link");
      assert.equal(await link.getAttribute("href"), `${server.edgeBase}/watch/${stream.edgeId}`);
      const [viewer] = await Promise.all([context.waitForEvent("page"), link.click()]);

      await waitPlaying(viewer, { after: 1 });
      await assertAdvancing(viewer);
      let s = await viewerState(viewer);
      assert.ok(s.videoWidth > 0);
      assert.deepEqual(s.fatalErrors, [], "no fatal hls.js error while playing");
      const badge = viewer.getByTestId("live-badge");
      assert.equal(await badge.isVisible(), true, "LIVE badge while playing");
      assert.doesNotMatch(await badge.getAttribute("class"), /is-behind/, "playing at the live edge");
      await shots.take(viewer, "viewer-playing");
      await checkNarrow(viewer, shots, "viewer-playing-narrow");
      // The console creates streams with latencyMode "low" unless told otherwise;
      // the viewer plays those in hls.js's low-latency mode.
      assert.equal(renamed.latencyMode, "low");
      assert.equal(s.latencyMode, "low");
      assert.equal(await viewer.evaluate(() => window.__viewer.hls.config.lowLatencyMode), true);

      // Quality: Auto plus one entry per rendition, sharpest first.
      const heights = await viewer.evaluate(() => window.__viewer.hls.levels.map((l) => l.height));
      assert.deepEqual([...heights].sort((a, b) => b - a), [480, 360]);
      const labels = await viewer.getByTestId("quality").locator("option").allTextContents();
      assert.match(labels[0], /^Auto/);
      assert.deepEqual(labels.slice(1), ["480p", "360p"]);
      const target = s.videoHeight === 360 ? 480 : 360;
      const index = heights.indexOf(target);
      await viewer.getByTestId("quality").selectOption(String(index));
      await viewer.waitForFunction(([i, h]) => window.__viewer.hls?.currentLevel === i
        && document.querySelector("video").videoHeight === h, [index, target], { timeout: 20000 });
      await assertAdvancing(viewer);
      s = await viewerState(viewer);
      assert.equal(s.videoHeight, target);
      assert.deepEqual(s.fatalErrors, []);
      await shots.take(viewer, `viewer-${target}p`);

      // Unmute is one click.
      await viewer.getByTestId("unmute").click();
      assert.equal(await viewer.evaluate(() => document.querySelector("video").muted), false);
      assert.equal(await viewer.getByTestId("unmute").textContent(), "Mute");

      // The encoder stops cleanly: the viewer plays out and says so.
      await stopGracefully(publisher);
      await waitState(server, streamId, "ended", { timeoutMs: 15000 });
      await viewer.waitForSelector(VIEW("ended"), { timeout: 40000 });
      assert.equal(await viewer.getByTestId("placeholder-title").textContent(), "Stream ended");
      // The last picture of the broadcast behind the text (/live/{edgeId}/thumbnail.jpg).
      await viewer.waitForSelector("[data-testid=poster]:not([hidden])", { timeout: 10000 });
      assert.ok(await viewer.getByTestId("poster").evaluate((img) => img.naturalWidth > 0),
        "the poster decoded");
      s = await viewerState(viewer);
      assert.ok(s.endlist, `the player saw EXT-X-ENDLIST (ended by: ${s.endedBy})`);
      t.diagnostic(`the viewer noticed the end by: ${s.endedBy}`);
      await shots.take(viewer, "viewer-ended");

      await page.bringToFront();
      await page.waitForSelector(
        `[data-stream-id="${streamId}"] [data-testid=state-badge][data-state=ended]`, { timeout: 15000 });
      assert.doesNotMatch(await item.getByTestId("stream-health").textContent(), /fps/);
      await shots.take(page, "console-ended");

      // Off air, quality and reconnect window can change; a bad window is caught first.
      await item.getByTestId("edit-stream").click();
      await item.getByTestId("edit-quality").selectOption("high");
      await item.getByTestId("edit-window").fill("99999");
      await item.getByTestId("edit-save").click();
      await item.getByTestId("edit-message").filter({ hasText: "0 to 1800" }).waitFor();
      await item.getByTestId("edit-window").fill("30");
      await item.getByTestId("edit-save").click();
      await item.getByTestId("confirm").waitFor({ state: "hidden" });
      await item.getByTestId("stream-quality").filter({ hasText: "High" }).waitFor();
      const edited = await (await server.api(`/v1/live-streams/${streamId}`)).json();
      assert.equal(edited.quality, "high");
      assert.equal(edited.reconnectWindowSeconds, 30);
      await shots.take(page, "edited");

      // Off air, the key rotates without force and is shown once more...
      await confirmAction(item, "rotate-key", "confirm-rotate");
      await credentials.waitFor();
      await page.getByTestId("show-key").click();
      const newKey = (await page.getByTestId("stream-key").textContent()).trim();
      assert.match(newKey, /^sk_live_/);
      assert.notEqual(newKey, streamKey);
      await shots.take(page, "rotated-key");
      await page.getByTestId("dismiss-credentials").click();
      // ...and the stream can be deleted.
      await confirmAction(item, "delete-stream", "confirm-delete");
      await item.waitFor({ state: "detached" });
      assert.equal((await server.api(`/v1/live-streams/${streamId}`)).status, 404);
      await page.getByTestId("streams-empty").waitFor();
      await shots.take(page, "deleted");

      // Signing out forgets the key.
      await page.getByTestId("sign-out").click();
      await page.getByTestId("signin").waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      assert.deepEqual(problems, [], "no script errors or CSP refusals");
    } finally {
      publisher?.kill("SIGKILL");
      await context.close();
    }
  });

test("an encoder that drops and comes back: the viewer shows reconnecting, then plays on",
  { timeout: 120000 }, async (t) => {
    const shots = new Screenshots("viewer-reconnect");
    const { context, problems } = await newContext();
    // Passthrough: this test is about the player, not the ladder, and it saves CPU.
    const stream = await createStream(server, { name: "Reconnect", reconnectWindowSeconds: 60 });
    let first;
    let second;
    try {
      const viewer = await context.newPage();
      // A well-formed id that names no stream: the page says so.
      await viewer.goto(`${server.edgeBase}/watch/lse_${"0".repeat(26)}`);
      await viewer.waitForSelector(VIEW("notfound"));
      assert.equal(await viewer.getByTestId("placeholder-title").textContent(), "Stream not found");
      await shots.take(viewer, "not-found");

      await viewer.goto(`${server.edgeBase}/watch/${stream.edgeId}`);
      await viewer.waitForSelector(VIEW("idle"));
      assert.match(await viewer.getByTestId("placeholder-title").textContent(), /hasn't started/);
      assert.equal(await viewer.evaluate(() => window.__viewer.hls), null, "no player before live");
      // Never published: no thumbnail (404), so no poster.
      await viewer.waitForFunction(() => {
        const img = document.querySelector("[data-testid=poster]");
        return img.complete && img.hidden;
      });
      await shots.take(viewer, "idle");

      first = publishLive(stream.ingest.rtmpFullUrl);
      await waitPlaying(viewer, { after: 1, timeoutMs: 40000 });
      await assertAdvancing(viewer);
      const playerId = await viewer.evaluate(() => window.__viewer.playerId);
      await shots.take(viewer, "playing");

      // Abrupt loss: no unpublish, so the stream waits in its reconnect window.
      first.kill("SIGKILL");
      await first.exited;
      await waitState(server, stream.streamId, "connecting", { timeoutMs: 10000 });
      await viewer.waitForSelector(VIEW("reconnecting"), { timeout: 15000 });
      assert.equal(await viewer.getByTestId("reconnecting").isVisible(), true);
      assert.equal(await viewer.getByTestId("video").isVisible(), true, "the player stays on the page");
      assert.equal(await viewer.evaluate(() => window.__viewer.playerId), playerId, "the player was not rebuilt");
      await shots.take(viewer, "reconnecting");
      // Everything the first session delivered: recovery must play beyond it.
      const bufferedEnd = await viewer.evaluate(() => {
        const b = document.querySelector("video").buffered;
        return b.length ? b.end(b.length - 1) : 0;
      });

      second = publishLive(stream.ingest.rtmpFullUrl);
      await waitState(server, stream.streamId, "live", { timeoutMs: 30000 });
      await viewer.waitForSelector(VIEW("player"), { timeout: 15000 });
      assert.equal(await viewer.getByTestId("reconnecting").isHidden(), true);
      await waitPlaying(viewer, { after: bufferedEnd + 1, timeoutMs: 40000 });
      await assertAdvancing(viewer);
      const s = await viewerState(viewer);
      assert.equal(s.playerId, playerId, "the same player recovered");
      t.diagnostic(`recovered with ${s.fatalErrors.length} fatal hls.js errors ` +
        `(${s.fatalErrors.map((e) => e.details).join(", ")}) and ${await viewer.evaluate(() => window.__viewer.nudges)} nudges`);
      await shots.take(viewer, "recovered");

      // A forced key rotation from the console cuts the broadcast: the encoder
      // is thrown out, and the viewer plays out what it has and shows the end.
      const page = await context.newPage();
      await signIn(page);
      const item = page.getByTestId("stream-item").filter({ hasText: "Reconnect" });
      await confirmAction(item, "rotate-key", "confirm-rotate");
      await item.getByTestId("confirm-force-rotate").click();
      await page.getByTestId("credentials").waitFor();
      await shots.take(page, "forced-rotation");
      const cut = await second.wait(15000);
      assert.equal(cut.timedOut, false, "the encoder was disconnected");
      await waitState(server, stream.streamId, "ended", { timeoutMs: 15000 });
      await viewer.bringToFront();
      await viewer.waitForSelector(VIEW("ended"), { timeout: 40000 });
      await shots.take(viewer, "ended-by-rotation");
      assert.deepEqual(problems, [], "no script errors or CSP refusals");
    } finally {
      first?.kill("SIGKILL");
      second?.kill("SIGKILL");
      await context.close();
    }
  });

test("a finished broadcast offers its replay; the console plays, downloads and deletes recordings",
  { timeout: 120000 }, async () => {
    const shots = new Screenshots("replay");
    const { context, problems } = await newContext();
    try {
      const { streamId, edgeId, ingest } = await createStream(server, { name: "Replayed" });
      const publisher = startProcess("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error",
        "-re", "-i", clip, "-c", "copy", "-f", "flv", ingest.rtmpFullUrl]);
      assert.equal((await publisher.wait(30000)).code, 0, publisher.stderr);
      await waitState(server, streamId, "ended", { timeoutMs: 15000 });

      // The viewer page: ended, then "Watch the replay" once the recording is ready.
      const viewer = await context.newPage();
      await viewer.goto(`${server.edgeBase}/watch/${edgeId}`);
      await viewer.waitForSelector(VIEW("ended"), { timeout: 20000 });
      await viewer.getByTestId("replay").waitFor({ timeout: 30000 });
      await shots.take(viewer, "viewer-ended-with-replay");
      await viewer.getByTestId("replay").click();
      await waitPlaying(viewer, { after: 1 });
      const s = await viewerState(viewer);
      assert.equal(s.replaying, true);
      assert.match(s.replayUrl, new RegExp(`/vod/${edgeId}/rec_[0-9a-z]{26}/master\\.m3u8$`));
      assert.equal(await viewer.getByTestId("live-badge").isHidden(), true, "no LIVE badge on a replay");
      await shots.take(viewer, "viewer-replay");

      // The console lists it with play, download and delete.
      const page = await context.newPage();
      await signIn(page);
      const item = page.locator(`[data-stream-id="${streamId}"]`);
      await item.getByTestId("recordings").locator("summary").click();
      const row = item.getByTestId("recording-item");
      await row.getByTestId("recording-state").filter({ hasText: "Ready" }).waitFor({ timeout: 15000 });
      const [recording] = (await (await server.api(`/v1/live-streams/${streamId}/recordings`)).json()).data;
      assert.equal(await row.getByTestId("recording-play").getAttribute("href"),
        `${server.edgeBase}/watch/${edgeId}?recording=${recording.recordingId}`);
      assert.equal(await row.getByTestId("recording-download").getAttribute("href"), recording.playback.mp4Url);
      await shots.take(page, "console-recordings");

      // "Play" opens the viewer page on that recording, whatever the stream does.
      const played = await context.newPage();
      await played.goto(`${server.edgeBase}/watch/${edgeId}?recording=${recording.recordingId}`);
      await waitPlaying(played, { after: 1 });
      await played.close();

      page.once("dialog", (d) => d.accept());
      await row.getByTestId("recording-delete").click();
      await row.waitFor({ state: "detached", timeout: 15000 });
      assert.equal((await server.api(`/v1/recordings/${recording.recordingId}`)).status, 404);
      await shots.take(page, "console-recording-deleted");
      assert.deepEqual(problems, [], "no script errors or CSP refusals");
    } finally {
      await context.close();
    }
  });
