// AntCDN Live viewer page: /watch/{edgeId}.
//
// The page follows the edge's public status (server-sent events from
// /live/{edgeId}/events, with status.json polled as the fallback and for the
// playback watchdog) and only builds a player once
// the stream is live, so viewers of a stream that has not started see a
// friendly placeholder instead of a player retrying playlists that do not
// exist yet. hls.js (window.Hls, loaded before this file) plays in Chrome,
// Firefox and Edge; browsers without Media Source but with HLS built in
// (Safari on older iPhones) get the playlist as the video's src.
//
// Once a broadcast has ended and its recording is ready (status.json's
// `replay`), the "ended" view offers "Watch the replay": the recording's VOD
// playlist in the same player, which the stream's status then leaves alone
// until it goes live again.
"use strict";

const POLL_MS = 3000;
const FAST_POLL_MS = 1500; // while something is about to change
const NOT_FOUND_POLL_MS = 10000;
const STALL_POLLS = 3; // polls without progress before the watchdog acts
const MAX_NETWORK_RETRIES = 6;
const EVENT_TRUST_MS = 2000; // a status event outranks polls for this long

// What the placeholder says in each view that has no picture.
const MESSAGES = {
  loading: ["Loading…", ""],
  idle: ["This stream hasn't started yet",
    "It starts playing here on its own as soon as the broadcaster goes live."],
  connecting: ["Starting…", "The broadcaster is connecting. The picture appears in a few seconds."],
  ended: ["Stream ended", "The broadcast is over. Thanks for watching!"],
  error: ["Something went wrong",
    "The broadcast ran into a problem. This page keeps checking and plays again if it comes back."],
  notfound: ["Stream not found", "There is no stream at this address. Check the link you were given."],
  unsupported: ["This browser cannot play the stream",
    "Try a current version of Chrome, Firefox, Edge or Safari."],
};

// Views with a picture: the player, possibly under the reconnecting overlay.
const PICTURE_VIEWS = new Set(["player", "reconnecting"]);
// Views that show the stream's latest thumbnail behind their text.
const POSTER_VIEWS = new Set(["idle", "ended"]);

const $ = (id) => document.getElementById(id);
const video = $("video");

const viewer = {
  statusUrl: null,
  masterUrl: null,
  view: "loading",
  status: null, // last state from status.json ("notfound" for a 404)
  latencyMode: null, // "low" or "standard" from status.json; null: not told (older edge)
  player: null, // { id, hls } — hls is null with native HLS
  playerSeq: 0,
  pollTimer: null,
  fatalErrors: [], // every fatal hls.js error, for debugging and the tests
  nudges: 0, // times the watchdog had to move a stuck playhead
  lastTime: -1, // video.currentTime at the previous poll
  stalledPolls: 0,
  userPaused: false,
  endlist: false, // the playlist carries EXT-X-ENDLIST: the broadcast is over
  draining: null, // { deadline } while the last seconds play out after the end
  endedBy: null, // what noticed the end of the broadcast (debugging)
  retries: { network: 0, media: 0, lastMediaAt: 0, swapped: false, rebuilds: 0 },
  rebuildAfter: 0, // no new player before this time (backoff after failures)
  prefix: "", // a reverse proxy's path prefix in front of /watch and /vod
  replayUrl: null, // the latest recording's master playlist, once it is ready
  replaying: false, // the player plays the recording, not the live stream
  pinnedReplay: null, // the recording this page was opened for (?recording=)
};

// ------------------------------------------------------------------ where we are

// /watch/{edgeId} -> /live/{edgeId}/status.json and master.m3u8, keeping any
// path prefix a reverse proxy may have put in front.
function locate() {
  const m = location.pathname.match(/^(.*)\/watch\/([^/]+)\/?$/);
  if (!m) return false;
  viewer.prefix = m[1];
  const live = `${m[1]}/live/${encodeURIComponent(decodeURIComponent(m[2]))}`;
  viewer.statusUrl = `${live}/status.json`;
  viewer.eventsUrl = `${live}/events`;
  viewer.masterUrl = `${live}/master.m3u8`;
  viewer.thumbnailUrl = `${live}/thumbnail.jpg`;
  // ?recording=rec_…: the console's "Play" of one recording, whatever the stream does.
  const recording = new URLSearchParams(location.search).get("recording");
  if (recording && /^rec_[0-9a-z]{26}$/.test(recording)) {
    viewer.pinnedReplay = `${m[1]}/vod/${encodeURIComponent(decodeURIComponent(m[2]))}/${recording}/master.m3u8`;
  }
  return true;
}

// ------------------------------------------------------------------ views

function announce(message) {
  const el = $("announcer");
  el.textContent = "";
  requestAnimationFrame(() => { el.textContent = message; });
}

function setView(view, text) {
  const changed = viewer.view !== view;
  viewer.view = view;
  document.body.dataset.view = view;
  const picture = PICTURE_VIEWS.has(view);
  video.hidden = !picture;
  $("player-bar").hidden = !picture;
  $("placeholder").hidden = picture;
  $("reconnecting").hidden = view !== "reconnecting";
  if (!picture) {
    $("play").hidden = true;
    const [title, body] = MESSAGES[view] ?? MESSAGES.error;
    $("placeholder-title").textContent = title;
    $("placeholder-text").textContent = text ?? body;
  }
  $("replay").hidden = view !== "ended" || !viewer.replayUrl;
  updateLiveBadge();
  if (!changed) return;
  updatePoster(view);
  const playing = viewer.replaying ? "Playing the replay" : "Playing live";
  const spoken = { player: playing, reconnecting: "Reconnecting" }[view] ?? MESSAGES[view]?.[0];
  const title = view === "player" ? (viewer.replaying ? "Replay" : "Live") : spoken;
  document.title = `${title} · AntCDN Live`;
  if (view !== "loading") announce(spoken);
}

// The latest thumbnail as the poster of the idle and ended views, fetched
// once each time the page enters one. A stream that never published has none
// (404): the placeholder then stays as it is. Two widths only, so the edge
// renders at most two per stream however many viewers ask.
function updatePoster(view) {
  const poster = $("poster");
  const show = (on) => {
    poster.hidden = !on;
    $("stage").classList.toggle("has-poster", on);
  };
  if (!POSTER_VIEWS.has(view) || !viewer.thumbnailUrl) {
    show(false);
    poster.removeAttribute("src");
    return;
  }
  const width = $("stage").clientWidth * (window.devicePixelRatio || 1) > 640 ? 1280 : 640;
  poster.onload = () => show(POSTER_VIEWS.has(viewer.view));
  poster.onerror = () => show(false);
  // (The edge says max-age=2: the browser asks again rather than keep an old one.)
  poster.src = `${viewer.thumbnailUrl}?width=${width}`;
}

// ------------------------------------------------------------------ status events

// A state change reaches the page at once instead of at the next poll. The
// browser's EventSource reconnects by itself (sending Last-Event-ID); the
// poll below goes on regardless, so a proxy that buffers or drops the feed
// costs only latency.
function followEvents() {
  if (typeof EventSource === "undefined") return;
  const source = new EventSource(viewer.eventsUrl);
  source.addEventListener("status", (ev) => {
    try {
      const { state, latencyMode } = JSON.parse(ev.data);
      if (latencyMode) viewer.latencyMode = latencyMode;
      viewer.eventAt = Date.now();
      applyStatus(state);
    } catch {
      // a malformed event: the next poll brings the truth
    }
  });
  source.addEventListener("deleted", () => {
    source.close();
    applyStatus("notfound");
  });
  viewer.events = source;
}

// ------------------------------------------------------------------ status polling

async function fetchStatus() {
  const res = await fetch(viewer.statusUrl, { cache: "no-store", credentials: "omit" });
  if (res.status === 404) return "notfound";
  if (!res.ok) throw new Error(`status.json answered ${res.status}`);
  const body = await res.json();
  if (body.latencyMode) viewer.latencyMode = body.latencyMode;
  const replay = viewer.pinnedReplay ??
    (typeof body.replay?.hlsUrl === "string" ? viewer.prefix + body.replay.hlsUrl : null);
  if (replay !== viewer.replayUrl) {
    viewer.replayUrl = replay;
    $("replay").hidden = viewer.view !== "ended" || !replay;
  }
  return body.state;
}

function pollDelay() {
  if (viewer.view === "notfound") return NOT_FOUND_POLL_MS;
  const soon = ["loading", "connecting", "reconnecting"].includes(viewer.view) || viewer.draining;
  return soon ? FAST_POLL_MS : POLL_MS;
}

function schedulePoll(ms = pollDelay()) {
  clearTimeout(viewer.pollTimer);
  viewer.pollTimer = setTimeout(poll, ms);
}

async function poll() {
  clearTimeout(viewer.pollTimer);
  try {
    const state = await fetchStatus();
    // status.json comes through the edge's 1 s cache: just after an event it
    // may still tell the state before it, which must not undo the event.
    if (Date.now() - (viewer.eventAt ?? 0) > EVENT_TRUST_MS) applyStatus(state);
  } catch {
    // The edge is unreachable or hiccuped: keep whatever is on screen (a
    // playing video may well have buffer left) and ask again shortly.
    if (viewer.view === "loading") {
      $("placeholder-text").textContent = "The server cannot be reached right now. Retrying…";
    }
  }
  watchdog();
  schedulePoll();
}

function applyStatus(state) {
  viewer.status = state;
  // A replay plays on while the stream stays off the air (a pinned one always).
  if (viewer.replaying && (viewer.pinnedReplay || state === "ended" || state === "idle")) return;
  if (viewer.replaying) stopReplay();
  switch (state) {
    case "live":
      onLive();
      break;
    case "connecting":
      onConnecting();
      break;
    case "ended":
      onEnded();
      break;
    case "idle":
      // Once an ended stream's hold time passes it reads idle again; a viewer
      // who saw it end keeps "Stream ended" rather than "hasn't started".
      if (viewer.view === "ended") break;
      destroyPlayer();
      setView("idle");
      break;
    case "notfound":
      destroyPlayer();
      setView("notfound");
      break;
    default: // "error" or anything newer than this page
      destroyPlayer();
      setView("error");
  }
}

function onLive() {
  // A new broadcast on the same stream after we showed the end of the last one.
  if (viewer.view === "ended") destroyPlayer();
  if (!viewer.player) {
    if (Date.now() < viewer.rebuildAfter) return;
    if (createPlayer()) setView("player");
    return;
  }
  if (viewer.view === "reconnecting") {
    setView("player");
    resumePlayback();
  } else if (!PICTURE_VIEWS.has(viewer.view)) {
    setView("player");
  }
}

function onConnecting() {
  // Live a moment ago: the encoder dropped and may come back within its
  // reconnect window. Keep the player (and its buffer) and say so.
  if (viewer.player && PICTURE_VIEWS.has(viewer.view)) {
    setView("reconnecting");
    return;
  }
  destroyPlayer();
  setView("connecting");
}

function onEnded() {
  if (viewer.view === "ended") return;
  // Let a playing video finish the seconds it still has, then show the end
  // (the video's "ended" event); the deadline covers a player that never gets there.
  if (viewer.player && viewer.view === "player" && isPlaying()) {
    viewer.draining ??= { deadline: Date.now() + 30000 };
    if (Date.now() < viewer.draining.deadline && viewer.stalledPolls === 0) return;
  }
  showEnded("status");
}

// `why` is kept for debugging: which signal noticed the end.
function showEnded(why) {
  viewer.endedBy = why;
  stopReplay();
  destroyPlayer();
  setView("ended");
}

// "Watch the replay": the recording's VOD playlist in a new player.
function watchReplay() {
  if (!viewer.replayUrl) return;
  destroyPlayer();
  viewer.replaying = true;
  if (createPlayer(viewer.replayUrl)) setView("player");
  else viewer.replaying = false;
}

function stopReplay() {
  if (!viewer.replaying) return;
  viewer.replaying = false;
  destroyPlayer();
}

// ------------------------------------------------------------------ the player

// Live tuning per the stream's latencyMode (read from status.json when the
// player is built; PATCH refuses to change it while the stream is on air).
//
// "low": hls.js's low-latency mode, which loads LL-HLS parts, blocks on
// playlist reloads and sits PART-HOLD-BACK behind the live edge as the
// playlist says (so no liveSync* here: any of them would override it, and
// hls.js refuses a liveMaxLatency* without its liveSync* partner), and plays
// up to 1.5x for a moment to get back to that point after a stall.
//
// "standard" (and an edge too old to tell): plain HLS. Two segments behind the
// playlist's end (the guide's three put glass-to-glass at ~7.5 s; two keep it
// under 6 s, bench/glass_to_glass.mjs), jump forward when ten behind.
//
// Both retry playlists and segments that are not there yet rather than giving up.
function hlsConfig(latencyMode = viewer.latencyMode) {
  const common = {
    manifestLoadPolicy: { default: loadPolicy({ firstByteMs: 10000, loadMs: 20000, retries: 10 }) },
    fragLoadPolicy: { default: loadPolicy({ firstByteMs: 10000, loadMs: 20000, retries: 6 }) },
    // A long broadcast should not keep every watched minute in memory.
    backBufferLength: 30,
  };
  if (latencyMode === "low") {
    return { ...common, lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 };
  }
  return {
    ...common,
    lowLatencyMode: false,
    liveSyncDurationCount: 2,
    liveMaxLatencyDurationCount: 10,
  };
}

function loadPolicy({ firstByteMs, loadMs, retries }) {
  return {
    maxTimeToFirstByteMs: firstByteMs,
    maxLoadTimeMs: loadMs,
    timeoutRetry: { maxNumRetry: retries, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: retries, retryDelayMs: 1000, maxRetryDelayMs: 8000 },
  };
}

function createPlayer(url = viewer.masterUrl) {
  const Hls = window.Hls;
  resetPlaybackTracking();
  if (Hls?.isSupported()) {
    const hls = new Hls(hlsConfig());
    viewer.player = { id: ++viewer.playerSeq, hls };
    bindHls(hls, Hls);
    hls.loadSource(url);
    hls.attachMedia(video);
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    // Native HLS does its own live tuning and adaptive switching.
    viewer.player = { id: ++viewer.playerSeq, hls: null };
    $("quality-box").hidden = true;
    video.src = url;
  } else {
    setView("unsupported");
    return false;
  }
  startPlayback();
  return true;
}

function destroyPlayer() {
  viewer.draining = null;
  if (!viewer.player) return;
  const { hls } = viewer.player;
  viewer.player = null;
  hls?.destroy();
  video.pause();
  video.removeAttribute("src");
  video.load(); // drops the old media so a later player starts clean
  $("quality-box").hidden = true;
}

function resetPlaybackTracking() {
  viewer.endlist = false;
  viewer.endedBy = null;
  viewer.draining = null;
  viewer.lastTime = -1;
  viewer.stalledPolls = 0;
  viewer.userPaused = false;
  Object.assign(viewer.retries, { network: 0, media: 0, lastMediaAt: 0, swapped: false });
}

function startPlayback() {
  const attempt = video.play();
  if (!attempt) return;
  attempt.then(() => { $("play").hidden = true; }).catch((err) => {
    // Autoplay refused even muted (some browsers, data-saver modes): ask.
    if (err?.name === "NotAllowedError") $("play").hidden = !PICTURE_VIEWS.has(viewer.view);
  });
}

function bindHls(hls, Hls) {
  const current = () => viewer.player?.hls === hls;
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    if (!current()) return;
    fillQualities(hls);
    startPlayback();
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, () => current() && updateAutoLabel(hls));
  hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
    // EXT-X-ENDLIST: the broadcast is over. The buffered seconds still play
    // and the video's "ended" event shows the end; the deadline is a backstop.
    if (!current() || !data.details || data.details.live || viewer.replaying) return;
    viewer.endlist = true;
    viewer.draining ??= { deadline: Date.now() + 30000 };
  });
  hls.on(Hls.Events.FRAG_BUFFERED, () => {
    // Media is flowing again: earlier failures no longer count against us.
    if (!current()) return;
    viewer.retries.network = 0;
    viewer.retries.rebuilds = 0;
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (current() && data.fatal) onFatalError(hls, Hls, data);
  });
}

function onFatalError(hls, Hls, data) {
  viewer.fatalErrors.push({ type: data.type, details: data.details, at: Date.now() });
  if (data.type === Hls.ErrorTypes.NETWORK_ERROR) recoverNetwork(hls, Hls, data);
  else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) recoverMedia(hls);
  else rebuildPlayer();
}

// hls.js gave up on a request. That is what happens when the broadcast ends
// under it, so ask status.json what is going on before retrying.
async function recoverNetwork(hls, Hls, data) {
  let state = null;
  try {
    state = await fetchStatus();
  } catch {
    // Unknown: treat it like a hiccup and retry below.
  }
  if (viewer.player?.hls !== hls) return;
  if (viewer.replaying) {
    // A recording does not come back by waiting: retry a few times, then stop.
    viewer.retries.network += 1;
    if (viewer.retries.network > MAX_NETWORK_RETRIES) showEnded("replay failed");
    else setTimeout(() => { if (viewer.player?.hls === hls) hls.startLoad(); }, 1000);
    return;
  }
  if (state === "ended") {
    showEnded("network error, status ended");
    return;
  }
  if (state && state !== "live" && state !== "connecting") {
    applyStatus(state);
    return;
  }
  if (state === "connecting") setView("reconnecting");
  const manifestFailed = [Hls.ErrorDetails.MANIFEST_LOAD_ERROR, Hls.ErrorDetails.MANIFEST_LOAD_TIMEOUT,
    Hls.ErrorDetails.MANIFEST_PARSING_ERROR].includes(data.details);
  viewer.retries.network += 1;
  if (manifestFailed || viewer.retries.network > MAX_NETWORK_RETRIES) {
    rebuildPlayer();
    return;
  }
  const wait = 1000 * viewer.retries.network;
  setTimeout(() => { if (viewer.player?.hls === hls) hls.startLoad(); }, wait);
}

// A decoding or buffering failure: hls.js can rebuild the media pipeline
// itself; if that keeps failing, try once more with the audio codec swapped
// (some browsers mislabel AAC variants), then start over with a new player.
function recoverMedia(hls) {
  const r = viewer.retries;
  const now = Date.now();
  if (now - r.lastMediaAt > 10000) {
    r.lastMediaAt = now;
    hls.recoverMediaError();
  } else if (!r.swapped) {
    r.swapped = true;
    r.lastMediaAt = now;
    hls.swapAudioCodec();
    hls.recoverMediaError();
  } else {
    rebuildPlayer();
  }
}

// Throws the player away; the next poll that reads "live" builds a new one,
// after a backoff that grows with consecutive failures.
function rebuildPlayer() {
  destroyPlayer();
  const n = ++viewer.retries.rebuilds;
  viewer.rebuildAfter = Date.now() + Math.min(30000, 1000 * 2 ** (n - 1));
  if (PICTURE_VIEWS.has(viewer.view) || viewer.view === "loading") setView("connecting");
  schedulePoll(FAST_POLL_MS);
}

// Back from "reconnecting": hls.js kept reloading the playlist all along and
// fetches the new segments by itself; only a user-paused video stays paused.
function resumePlayback() {
  if (!viewer.userPaused && video.paused) startPlayback();
}

function isPlaying() {
  return !video.paused && !video.ended && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA;
}

// Runs once per poll: counts polls without progress and, if a live stream's
// picture is stuck while the edge says live, moves to the live edge.
function watchdog() {
  if (!viewer.player || !PICTURE_VIEWS.has(viewer.view) || viewer.replaying) return;
  const t = video.currentTime;
  const moving = t > viewer.lastTime + 0.1;
  viewer.lastTime = t;
  viewer.stalledPolls = moving || video.paused ? 0 : viewer.stalledPolls + 1;
  if (viewer.draining && (!moving || Date.now() > viewer.draining.deadline)) {
    showEnded(viewer.endlist ? "endlist, playback stopped" : "status, playback stopped");
    return;
  }
  if (viewer.view !== "player" || viewer.status !== "live" || viewer.stalledPolls < STALL_POLLS) return;
  const hls = viewer.player.hls;
  const edge = hls ? hls.liveSyncPosition : liveEdge();
  if (Number.isFinite(edge) && edge > t + 1) {
    viewer.nudges += 1;
    video.currentTime = edge;
  } else if (hls) {
    viewer.nudges += 1;
    hls.startLoad();
  }
  viewer.stalledPolls = 0;
  startPlayback();
}

// The live edge for native HLS (and a fallback for hls.js): the end of what can be sought.
function liveEdge() {
  const r = video.seekable;
  return r.length ? r.end(r.length - 1) : NaN;
}

// ------------------------------------------------------------------ controls

function levelLabel(level, levels) {
  if (!level.height) return `${Math.round(level.bitrate / 1000)} kbps`;
  const twins = levels.filter((l) => l.height === level.height).length;
  return twins > 1 ? `${level.height}p (${Math.round(level.bitrate / 1000)} kbps)` : `${level.height}p`;
}

// Auto first, then the renditions from the sharpest down.
function fillQualities(hls) {
  const select = $("quality");
  const options = hls.levels
    .map((level, index) => ({ index, level }))
    .sort((a, b) => (b.level.height - a.level.height) || (b.level.bitrate - a.level.bitrate))
    .map(({ index, level }) => new Option(levelLabel(level, hls.levels), String(index)));
  select.replaceChildren(new Option("Auto", "-1"), ...options);
  select.value = hls.autoLevelEnabled ? "-1" : String(hls.currentLevel);
  $("quality-box").hidden = hls.levels.length === 0;
  updateAutoLabel(hls);
}

// "Auto (480p)": what the adaptive choice currently is.
function updateAutoLabel(hls) {
  const auto = $("quality").options[0];
  const level = hls.levels[hls.currentLevel];
  auto.textContent = hls.autoLevelEnabled && level ? `Auto (${levelLabel(level, hls.levels)})` : "Auto";
}

function onQualityChange() {
  const hls = viewer.player?.hls;
  if (!hls) return;
  // currentLevel switches now (flushing what is buffered); -1 is back to adaptive.
  hls.currentLevel = Number($("quality").value);
  updateAutoLabel(hls);
}

function updateUnmute() {
  $("unmute").textContent = video.muted ? "Unmute" : "Mute";
}

function isBehindLive() {
  const hls = viewer.player?.hls;
  if (hls && Number.isFinite(hls.latency) && Number.isFinite(hls.targetLatency)) {
    return hls.latency > hls.targetLatency + 8;
  }
  const edge = liveEdge();
  return Number.isFinite(edge) && edge - video.currentTime > 20;
}

// LIVE in red while playing at the live edge; grey (a "go live" button) when
// paused or behind.
function updateLiveBadge() {
  const badge = $("live-badge");
  const show = viewer.view === "player" && !!viewer.player && !video.ended && !viewer.replaying;
  badge.hidden = !show;
  if (!show) return;
  const behind = video.paused || isBehindLive();
  badge.classList.toggle("is-behind", behind);
  badge.title = behind ? "Jump to live" : "Playing live";
  badge.setAttribute("aria-label", behind ? "Jump to the live edge" : "Playing live");
}

function goLive() {
  const hls = viewer.player?.hls;
  const edge = hls?.liveSyncPosition ?? liveEdge();
  if (Number.isFinite(edge) && edge > video.currentTime) video.currentTime = edge;
  viewer.userPaused = false;
  startPlayback();
}

function wire() {
  $("unmute").addEventListener("click", () => {
    video.muted = !video.muted;
    if (!video.muted && video.volume === 0) video.volume = 1;
  });
  $("play").addEventListener("click", () => {
    viewer.userPaused = false;
    startPlayback();
  });
  $("live-badge").addEventListener("click", goLive);
  $("replay").addEventListener("click", watchReplay);
  $("quality").addEventListener("change", onQualityChange);
  video.addEventListener("volumechange", updateUnmute);
  // A stall fires "waiting", not "pause": a pause is the viewer's own.
  video.addEventListener("pause", () => {
    if (!video.ended) viewer.userPaused = true;
    updateLiveBadge();
  });
  video.addEventListener("play", () => {
    viewer.userPaused = false;
    $("play").hidden = true;
  });
  video.addEventListener("playing", updateLiveBadge);
  video.addEventListener("timeupdate", updateLiveBadge);
  // The last segment after EXT-X-ENDLIST has played out.
  video.addEventListener("ended", () => {
    if (viewer.player) showEnded("video ended");
  });
  updateUnmute();
}

// Small read-only hooks for debugging in the console and for the browser tests.
function exposeDebugHooks() {
  window.__viewer = Object.freeze({
    get hls() { return viewer.player?.hls ?? null; },
    get playerId() { return viewer.player?.id ?? null; },
    get fatalErrors() { return viewer.fatalErrors.slice(); },
    get nudges() { return viewer.nudges; },
    state: () => ({
      view: viewer.view,
      status: viewer.status,
      latencyMode: viewer.latencyMode,
      playerId: viewer.player?.id ?? null,
      endlist: viewer.endlist,
      endedBy: viewer.endedBy,
      replaying: viewer.replaying,
      replayUrl: viewer.replayUrl,
      currentTime: video.currentTime,
      paused: video.paused,
    }),
  });
}

function start() {
  wire();
  exposeDebugHooks();
  if (!locate()) {
    setView("notfound");
    return;
  }
  if (viewer.pinnedReplay) {
    viewer.replayUrl = viewer.pinnedReplay;
    watchReplay();
    return; // the stream's status does not matter to a recording
  }
  poll();
  followEvents();
}

start();
