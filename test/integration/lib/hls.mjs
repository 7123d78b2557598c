// HLS helpers for black-box playback tests: parse master and media playlists
// (RFC 8216 subset the edge writes), fetch edge objects (fetch, or a raw socket
// so that the path reaches the server byte for byte), download a rendition's
// init sections and segments per session, and ask ffmpeg/ffprobe about them.
import net from "node:net";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { run, waitFor } from "./media.mjs";

// ------------------------------------------------------------ playlist text

// `KEY=VALUE,KEY="quoted, value"` -> {KEY: "VALUE", ...}; quoted values keep
// their text without the quotes.
export function parseAttributes(s) {
  const out = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)(?:,|$)/g;
  let m;
  while ((m = re.exec(s)) !== null) {
    if (m[0] === "") break;
    const v = m[2];
    out[m[1]] = v.startsWith("\"") ? v.slice(1, -1) : v;
  }
  return out;
}

function lines(text) {
  return text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.length > 0);
}

// {version, independent, media: [attrs], variants: [{attrs, uri}], tags: [..]}
export function parseMaster(text) {
  const ls = lines(text);
  if (ls[0] !== "#EXTM3U") throw new Error(`master playlist does not start with #EXTM3U: ${text}`);
  const out = { version: undefined, independent: false, media: [], variants: [] };
  for (let i = 1; i < ls.length; i++) {
    const l = ls[i];
    if (l.startsWith("#EXT-X-VERSION:")) out.version = Number(l.slice(15));
    else if (l === "#EXT-X-INDEPENDENT-SEGMENTS") out.independent = true;
    else if (l.startsWith("#EXT-X-MEDIA:")) out.media.push(parseAttributes(l.slice(13)));
    else if (l.startsWith("#EXT-X-STREAM-INF:")) {
      const uri = ls[i + 1];
      if (!uri || uri.startsWith("#")) throw new Error(`STREAM-INF without a URI line: ${text}`);
      out.variants.push({ attrs: parseAttributes(l.slice(18)), uri });
      i++;
    }
  }
  return out;
}

// Media playlist: header values and the segments with the tags that apply to
// each (the EXT-X-MAP in force, PROGRAM-DATE-TIME, a DISCONTINUITY before it).
export function parseMedia(text) {
  const ls = lines(text);
  if (ls[0] !== "#EXTM3U") throw new Error(`media playlist does not start with #EXTM3U: ${text}`);
  const out = {
    version: undefined, targetDuration: undefined, mediaSequence: undefined,
    discontinuitySequence: undefined, independent: false, ended: false,
    maps: [], discontinuities: 0, segments: [], endlistIsLast: false,
  };
  let map = null;
  let pdt = null;
  let disc = false;
  let extinf = null;
  for (const l of ls.slice(1)) {
    if (l.startsWith("#EXT-X-VERSION:")) out.version = Number(l.slice(15));
    else if (l.startsWith("#EXT-X-TARGETDURATION:")) out.targetDuration = Number(l.slice(22));
    else if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) out.mediaSequence = Number(l.slice(22));
    else if (l.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) out.discontinuitySequence = Number(l.slice(30));
    else if (l === "#EXT-X-INDEPENDENT-SEGMENTS") out.independent = true;
    else if (l === "#EXT-X-ENDLIST") out.ended = true;
    else if (l === "#EXT-X-DISCONTINUITY") { disc = true; out.discontinuities++; }
    else if (l.startsWith("#EXT-X-MAP:")) { map = parseAttributes(l.slice(11)).URI; out.maps.push(map); }
    else if (l.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) pdt = l.slice(25);
    else if (l.startsWith("#EXTINF:")) extinf = l.slice(8);
    else if (!l.startsWith("#")) {
      if (extinf === null) throw new Error(`segment ${l} without #EXTINF`);
      const duration = Number(extinf.split(",")[0]);
      out.segments.push({ uri: l, duration, durationText: extinf.split(",")[0], map, pdt,
        discontinuity: disc, sequence: (out.mediaSequence ?? 0) + out.segments.length });
      extinf = null; pdt = null; disc = false;
    }
  }
  out.endlistIsLast = ls.at(-1) === "#EXT-X-ENDLIST";
  return out;
}

// "abc123-7.m4s" -> "abc123"; the session is everything before the last '-'.
export function sessionOf(uri) {
  const name = uri.replace(/\.m4s$/, "");
  return name.slice(0, name.lastIndexOf("-"));
}

// ------------------------------------------------------------------ fetching

// GET/HEAD an edge URL: {status, headers (Headers), body (Buffer), text()}.
export async function fetchObject(url, { method = "GET" } = {}) {
  const res = await fetch(url, { method });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: () => body.toString("utf8") };
}

export async function fetchText(url) {
  const r = await fetchObject(url);
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.text()}`);
  return r.text();
}

// One HTTP/1.1 request over a raw socket, the target sent exactly as given (no
// normalisation of "..", "%2e" or "//"). Resolves {status, headers, body}.
export function rawRequest(baseUrl, target, { method = "GET", timeoutMs = 5000 } = {}) {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: u.hostname, port: Number(u.port) });
    const chunks = [];
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`raw ${method} ${target}: timeout`)); }, timeoutMs);
    sock.on("connect", () => {
      sock.write(`${method} ${target} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`);
    });
    sock.on("data", (d) => chunks.push(d));
    sock.on("error", (e) => { clearTimeout(timer); reject(e); });
    sock.on("close", () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const head = all.indexOf("\r\n\r\n");
      if (head < 0) { reject(new Error(`raw ${method} ${target}: no response head: ${all}`)); return; }
      const [statusLine, ...hs] = all.subarray(0, head).toString("latin1").split("\r\n");
      const headers = {};
      for (const h of hs) {
        const c = h.indexOf(":");
        headers[h.slice(0, c).trim().toLowerCase()] = h.slice(c + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), statusLine, headers, body: all.subarray(head + 4) });
    });
  });
}

// The edge's URL of a stream's object: edgeUrl(base, edgeId, "source/index.m3u8").
export function edgeUrl(base, edgeId, rest) {
  return `${base}/live/${edgeId}/${rest}`;
}

// Polls a media playlist until `pred(parsed)` holds; returns the parsed playlist.
export async function waitPlaylist(url, pred, { timeoutMs = 10000, what = `playlist ${url}` } = {}) {
  return waitFor(async () => {
    const r = await fetchObject(url);
    if (r.status !== 200) return null;
    const p = parseMedia(r.text());
    return pred(p) ? p : null;
  }, { timeoutMs, what });
}

// Downloads every init section and segment a media playlist lists and writes,
// per EXT-X-MAP (i.e. per session), one file = init + its segments in order.
// Returns [{map, file, segments: [{uri, duration, bytes}]}].
export async function downloadSessions(renditionUrlBase, playlist, dir, label) {
  const groups = [];
  for (const seg of playlist.segments) {
    if (!seg.map) throw new Error(`${label}: segment ${seg.uri} has no EXT-X-MAP before it`);
    let g = groups.at(-1);
    if (!g || g.map !== seg.map || seg.discontinuity) {
      g = { map: seg.map, segments: [], parts: [] };
      const init = await fetchObject(`${renditionUrlBase}/${seg.map}`);
      if (init.status !== 200) throw new Error(`${label}: init ${seg.map}: ${init.status}`);
      g.parts.push(init.body);
      groups.push(g);
    }
    const r = await fetchObject(`${renditionUrlBase}/${seg.uri}`);
    if (r.status !== 200) throw new Error(`${label}: segment ${seg.uri}: ${r.status}`);
    g.parts.push(r.body);
    g.segments.push({ uri: seg.uri, duration: seg.duration, bytes: r.body.length, body: r.body, init: g.parts[0] });
  }
  return groups.map((g, i) => {
    const file = path.join(dir, `${label}-${i}.mp4`);
    writeFileSync(file, Buffer.concat(g.parts));
    return { map: g.map, file, segments: g.segments };
  });
}

// ------------------------------------------------------------ ffmpeg/ffprobe

// Decodes everything in `input` (a file or URL); {ok, stderr}. ok means exit 0
// and nothing at all on stderr at -v error.
export async function decodes(input, { timeoutMs = 60000 } = {}) {
  const r = await run("ffmpeg", ["-nostdin", "-v", "error", "-i", input, "-f", "null", "-"], { timeoutMs });
  return { ok: r.code === 0 && r.stderr.trim() === "", code: r.code, stderr: r.stderr };
}

// Streams of a file or URL with decoded frame counts: {video?, audio?, duration}.
export async function probeStreams(input, { timeoutMs = 60000 } = {}) {
  const r = await run("ffprobe", ["-v", "error", "-count_frames",
    "-show_entries", "stream=codec_type,codec_name,profile,level,width,height,r_frame_rate,avg_frame_rate,sample_rate,channels,nb_read_frames,start_time,duration:format=duration,start_time",
    "-of", "json", input], { timeoutMs });
  if (r.code !== 0) throw new Error(`ffprobe ${input}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const out = { duration: Number(j.format?.duration), startTime: Number(j.format?.start_time) };
  for (const s of j.streams) {
    out[s.codec_type] ??= {
      codec: s.codec_name, profile: s.profile, level: s.level, width: s.width, height: s.height,
      frameRate: s.r_frame_rate, sampleRate: s.sample_rate ? Number(s.sample_rate) : undefined,
      channels: s.channels, frames: Number(s.nb_read_frames),
      startTime: Number(s.start_time), duration: Number(s.duration),
    };
  }
  return out;
}

// Video packets of a file: [{pts (s), dts (s), key}] in decode order.
export async function videoPackets(input) {
  const r = await run("ffprobe", ["-v", "error", "-select_streams", "v:0",
    "-show_entries", "packet=pts_time,dts_time,flags", "-of", "json", input]);
  if (r.code !== 0) throw new Error(`ffprobe ${input}: ${r.stderr}`);
  return JSON.parse(r.stdout).packets.map((p) => ({
    pts: Number(p.pts_time), dts: Number(p.dts_time), key: p.flags.includes("K"),
  }));
}

// ffprobe's H.264 profile name -> profile_idc (the PP of avc1.PPCCLL).
export const H264_PROFILE_IDC = {
  "Baseline": 66, "Constrained Baseline": 66, "Main": 77, "Extended": 88, "High": 100,
  "High 10": 110, "High 4:2:2": 122, "High 4:4:4 Predictive": 244,
};

const hex2 = (n) => n.toString(16).padStart(2, "0");

// RegExp for the avc1 codec string of a probed video stream: profile_idc and
// level_idc as ffprobe reports them; the constraint byte is whatever the SPS says.
export function avc1Pattern(video) {
  const pp = H264_PROFILE_IDC[video.profile];
  if (pp === undefined) throw new Error(`unknown H.264 profile ${video.profile}`);
  return new RegExp(`^avc1\\.${hex2(pp)}[0-9a-f]{2}${hex2(Number(video.level))}$`, "i");
}
