// Media helpers for black-box ingest tests: generate clips with ffmpeg, ask
// ffprobe what is in them, run real publishers (ffmpeg, GStreamer) and read the
// access-unit recordings `antcdn serve --record-access-units DIR` writes.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { before, after } from "node:test";
import { makeDataDir, cleanup } from "./server.mjs";

// Runs a command to completion. Resolves {code, signal, stdout, stderr}; never
// rejects on a non-zero exit (tests assert on it). A command still running
// after timeoutMs is killed and reported with timedOut: true.
export function run(cmd, args, { timeoutMs = 60000 } = {}) {
  const child = startProcess(cmd, args);
  return child.wait(timeoutMs);
}

// Starts a command and returns a handle: {proc, stdout, stderr, exited, wait(ms), kill(sig)}.
// `exited` resolves {code, signal, stdout, stderr, timedOut:false} when it ends.
export function startProcess(cmd, args) {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  const h = { proc, stdout: "", stderr: "", cmd: [cmd, ...args].join(" ") };
  proc.stdout.on("data", (d) => { h.stdout += d; });
  proc.stderr.on("data", (d) => { h.stderr += d; });
  h.exited = new Promise((resolve) => {
    proc.on("error", (err) => { h.stderr += String(err); resolve({ code: -1, signal: null }); });
    proc.on("close", (code, signal) => resolve({ code, signal }));
  }).then((r) => ({ ...r, stdout: h.stdout, stderr: h.stderr, timedOut: false }));
  // Resolves when the process ends, or kills it (SIGKILL) after timeoutMs and
  // resolves with timedOut: true.
  h.wait = async (timeoutMs) => {
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
    const r = await Promise.race([h.exited, timeout]);
    clearTimeout(timer);
    if (r) return r;
    proc.kill("SIGKILL");
    return { ...(await h.exited), timedOut: true };
  };
  h.kill = (sig = "SIGTERM") => { if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig); };
  return h;
}

// Whether a command is on PATH.
export function haveTool(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

export function haveGstElement(name) {
  return spawnSync("gst-inspect-1.0", ["--exists", name]).status === 0;
}

const ffmpegQuiet = ["-hide_banner", "-nostdin", "-loglevel", "error"];

// One clip for every test of a file: made before the first test (makeClip's
// options), removed after the last. Returns {dir, path}, filled in by then.
export function clipForTests(options) {
  const clip = {};
  before(async () => {
    clip.dir = makeDataDir();
    clip.path = path.join(clip.dir, "clip.flv");
    await makeClip(clip.path, options);
  });
  after(() => cleanup(clip.dir));
  return clip;
}

// Writes an FLV test clip: lavfi testsrc2 (+ sine) encoded with libx264 (fixed
// GOP, B-frames so that pts != dts) and AAC, or the codecs given.
export async function makeClip(file, {
  seconds = 3, size = "320x240", rate = 30, gop = 30, audio = true,
  vcodec = ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", String(gop),
    "-keyint_min", String(gop), "-sc_threshold", "0", "-pix_fmt", "yuv420p"],
  acodec = ["-c:a", "aac", "-b:a", "64k"],
} = {}) {
  const args = [...ffmpegQuiet, "-y",
    "-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
  if (audio) args.push("-f", "lavfi", "-i", `sine=frequency=440:sample_rate=44100:duration=${seconds}`);
  args.push(...vcodec);
  if (audio) args.push(...acodec);
  args.push("-f", "flv", file);
  const r = await run("ffmpeg", args, { timeoutMs: 120000 });
  if (r.code !== 0) throw new Error(`ffmpeg could not make ${file}: ${r.stderr}`);
  return file;
}

// What ffprobe finds in a file: per kind, the decoded frame count, the packet
// count, the keyframe packet count, and the picture size / audio format.
export async function probe(file) {
  const streams = await run("ffprobe", ["-v", "error", "-count_frames", "-count_packets",
    "-show_entries", "stream=index,codec_type,codec_name,width,height,sample_rate,channels,nb_read_frames,nb_read_packets",
    "-of", "json", file]);
  if (streams.code !== 0) throw new Error(`ffprobe ${file}: ${streams.stderr}`);
  const packets = await run("ffprobe", ["-v", "error", "-show_entries",
    "packet=stream_index,dts,pts,size,flags", "-of", "json", file]);
  if (packets.code !== 0) throw new Error(`ffprobe ${file}: ${packets.stderr}`);
  const all = JSON.parse(packets.stdout).packets;
  const out = {};
  for (const s of JSON.parse(streams.stdout).streams) {
    // FLV timestamps are milliseconds, like the recording's timescale of 1000.
    const list = all.filter((p) => p.stream_index === s.index).map((p) => ({
      dts: Number(p.dts), pts: Number(p.pts), size: Number(p.size), key: p.flags.includes("K"),
    }));
    out[s.codec_type] = {
      codec: s.codec_name,
      width: s.width, height: s.height,
      sampleRate: s.sample_rate ? Number(s.sample_rate) : undefined, channels: s.channels,
      frames: Number(s.nb_read_frames), packets: Number(s.nb_read_packets),
      keyframes: list.filter((p) => p.key).length, list,
    };
  }
  return out;
}

// ffmpeg publishing a file (or anything ffmpeg reads) to `url` with -c copy.
// `re`: read at native rate, like a live encoder. `loop`: repeat until killed.
export function ffmpegPublish(url, input, { re = true, loop = false, extra = [] } = {}) {
  const args = [...ffmpegQuiet];
  if (re) args.push("-re");
  if (loop) args.push("-stream_loop", "-1");
  args.push("-i", input, "-c", "copy", ...extra, "-f", "flv", url);
  return startProcess("ffmpeg", args);
}

// ffmpeg as a live encoder that runs until it is stopped: `videoClip`'s video
// in a loop (copied) and a tone encoded as it goes. Looping a clip together with
// its own audio would overlap or gap the audio at every loop point (AAC frames
// do not end where the video does); no real encoder sends that.
export function publishLive(url, videoClip) {
  return startProcess("ffmpeg", [...ffmpegQuiet,
    "-re", "-stream_loop", "-1", "-i", videoClip,
    "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-b:a", "64k",
    "-f", "flv", url]);
}

// The access-unit recording of one stream, split into sessions (a session ends
// with its "end" event; the last one may still be open).
export function readRecording(dir, streamId) {
  const file = path.join(dir, `${streamId}.jsonl`);
  const sessions = [];
  if (!existsSync(file)) return { file, sessions };
  let cur = null;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    let e;
    try { e = JSON.parse(line); } catch { continue; }  // a line being written right now
    cur ??= { tracks: [], aus: [], end: null };
    if (e.event === "track") cur.tracks.push(e);
    else if (e.event === "au") cur.aus.push(e);
    else if (e.event === "end") { cur.end = e.reason; sessions.push(cur); cur = null; }
  }
  if (cur) sessions.push(cur);
  return { file, sessions, last: sessions.at(-1) };
}

// Summary of one recorded session: the tracks by kind and the AUs per track.
export function summarize(session) {
  const video = session.tracks.find((t) => t.kind === "video");
  const audio = session.tracks.find((t) => t.kind === "audio");
  const v = session.aus.filter((a) => video && a.track === video.id);
  const a = session.aus.filter((x) => audio && x.track === audio.id);
  return { video, audio, videoAus: v, audioAus: a, end: session.end };
}

// Polls `fn` until it returns a truthy value (which is returned) or the deadline
// passes (throws, naming `what` and the last value seen).
export async function waitFor(fn, { timeoutMs = 10000, intervalMs = 50, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
