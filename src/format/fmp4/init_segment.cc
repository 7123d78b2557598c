#include "format/fmp4/init_segment.h"

#include <string>
#include <string_view>

#include "format/aac/audio_specific_config.h"
#include "format/avc/avc_decoder_config.h"
#include "format/avc/sps.h"
#include "format/fmp4/box_writer.h"

namespace antcdn::format::fmp4 {
namespace {

constexpr uint32_t kMovieTimescale = 1000;
constexpr uint16_t kLanguageUnd = 0x55c4;  // "und" packed as three 5-bit letters

struct VideoParams {
  int width = 0;
  int height = 0;
};

struct AudioParams {
  int sample_rate = 0;
  int channels = 0;
};

void write_matrix(ByteWriter& w) {
  // Identity transform in 16.16 / 2.30 fixed point.
  for (uint32_t v : {0x00010000u, 0u, 0u, 0u, 0x00010000u, 0u, 0u, 0u, 0x40000000u}) {
    w.u32be(v);
  }
}

void write_ftyp(BoxWriter& b) {
  b.begin("ftyp");
  b.fourcc("iso6");  // major brand: tfdt v1 and trun v1 need ISO BMFF 6
  b.out().u32be(0);
  for (std::string_view brand : {"iso6", "cmfc", "isom"}) {
    b.fourcc(brand);
  }
  b.end();
}

void write_mvhd(BoxWriter& b, uint32_t next_track_id) {
  b.begin_full("mvhd", 0, 0);
  ByteWriter& w = b.out();
  w.u32be(0);  // creation_time
  w.u32be(0);  // modification_time
  w.u32be(kMovieTimescale);
  w.u32be(0);           // duration: unknown, fragments follow
  w.u32be(0x00010000);  // rate 1.0
  w.u16be(0x0100);      // volume 1.0
  w.zeros(10);
  write_matrix(w);
  w.zeros(24);  // pre_defined
  w.u32be(next_track_id);
  b.end();
}

void write_tkhd(BoxWriter& b, const media::TrackInfo& t, const VideoParams& v) {
  b.begin_full("tkhd", 0, 0x000003);  // enabled, in movie
  ByteWriter& w = b.out();
  w.u32be(0);
  w.u32be(0);
  w.u32be(static_cast<uint32_t>(t.id));
  w.u32be(0);  // reserved
  w.u32be(0);  // duration
  w.zeros(8);
  w.u16be(0);  // layer
  w.u16be(0);  // alternate_group
  w.u16be(t.kind == media::MediaKind::Audio ? 0x0100 : 0);
  w.u16be(0);
  write_matrix(w);
  w.u32be(static_cast<uint32_t>(v.width) << 16);
  w.u32be(static_cast<uint32_t>(v.height) << 16);
  b.end();
}

void write_mdhd_hdlr(BoxWriter& b, const media::TrackInfo& t) {
  b.begin_full("mdhd", 0, 0);
  ByteWriter& w = b.out();
  w.u32be(0);
  w.u32be(0);
  w.u32be(t.timescale);
  w.u32be(0);
  w.u16be(kLanguageUnd);
  w.u16be(0);
  b.end();

  bool video = t.kind == media::MediaKind::Video;
  b.begin_full("hdlr", 0, 0);
  b.out().u32be(0);  // pre_defined
  b.fourcc(video ? "vide" : "soun");
  b.out().zeros(12);
  b.out().str(video ? "VideoHandler" : "SoundHandler");
  b.out().u8(0);
  b.end();
}

void write_dinf(BoxWriter& b) {
  b.begin("dinf");
  b.begin_full("dref", 0, 0);
  b.out().u32be(1);
  b.begin_full("url ", 0, 0x000001);  // media is in the same file
  b.end();
  b.end();
  b.end();
}

void write_avc1(BoxWriter& b, const media::TrackInfo& t, const VideoParams& v) {
  b.begin("avc1");
  ByteWriter& w = b.out();
  w.zeros(6);
  w.u16be(1);   // data_reference_index
  w.zeros(16);  // pre_defined, reserved
  w.u16be(static_cast<uint16_t>(v.width));
  w.u16be(static_cast<uint16_t>(v.height));
  w.u32be(0x00480000);  // 72 dpi
  w.u32be(0x00480000);
  w.u32be(0);
  w.u16be(1);   // frame_count
  w.zeros(32);  // compressorname: empty Pascal string
  w.u16be(0x0018);
  w.u16be(0xffff);  // pre_defined = -1
  b.begin("avcC");
  w.bytes(t.codec_config);
  b.end();
  b.end();
}

// MPEG-4 descriptor header with the size in the minimal expandable form.
void write_descriptor_header(ByteWriter& w, uint8_t tag, size_t size) {
  w.u8(tag);
  int groups = 1;
  while (groups < 4 && (size >> (7 * groups)) != 0) {
    ++groups;
  }
  for (int i = groups - 1; i >= 0; --i) {
    auto part = static_cast<uint8_t>((size >> (7 * i)) & 0x7f);
    w.u8(i > 0 ? (part | 0x80) : part);
  }
}

void write_esds(BoxWriter& b, const media::TrackInfo& t) {
  const Bytes& asc = t.codec_config;
  // Sizes are computed inside out: DecSpecificInfo, DecoderConfig, SLConfig, ES.
  auto header_len = [](size_t n) {
    return n < 0x80 ? 2u : n < 0x4000 ? 3u : n < 0x200000 ? 4u : 5u;
  };
  size_t dsi = asc.size();
  size_t dcd = 13 + header_len(dsi) + dsi;
  size_t sl = 1;
  size_t es = 3 + header_len(dcd) + dcd + header_len(sl) + sl;
  auto bitrate = static_cast<uint32_t>(t.bitrate > 0 && t.bitrate < UINT32_MAX ? t.bitrate : 0);

  b.begin_full("esds", 0, 0);
  ByteWriter& w = b.out();
  write_descriptor_header(w, 0x03, es);   // ES_Descriptor
  w.u16be(0);                             // ES_ID: unused in MP4 files
  w.u8(0);                                // no dependency, URL or OCR stream
  write_descriptor_header(w, 0x04, dcd);  // DecoderConfigDescriptor
  w.u8(0x40);                             // objectTypeIndication: MPEG-4 Audio
  w.u8(0x15);                             // streamType 5 (audio) << 2 | reserved 1
  w.u24be(0);                             // bufferSizeDB
  w.u32be(bitrate);                       // maxBitrate
  w.u32be(bitrate);                       // avgBitrate
  write_descriptor_header(w, 0x05, dsi);  // DecSpecificInfo
  w.bytes(asc);
  write_descriptor_header(w, 0x06, sl);  // SLConfigDescriptor
  w.u8(0x02);                            // predefined: reserved for MP4 files
  b.end();
}

void write_mp4a(BoxWriter& b, const media::TrackInfo& t, const AudioParams& a) {
  b.begin("mp4a");
  ByteWriter& w = b.out();
  w.zeros(6);
  w.u16be(1);  // data_reference_index
  w.zeros(8);
  w.u16be(static_cast<uint16_t>(a.channels));
  w.u16be(16);  // samplesize
  w.u32be(0);   // pre_defined, reserved
  // 16.16 fixed point; rates above 65535 Hz do not fit and decoders use the ASC.
  w.u32be(a.sample_rate <= 0xffff ? static_cast<uint32_t>(a.sample_rate) << 16 : 0);
  write_esds(b, t);
  b.end();
}

void write_empty_tables(BoxWriter& b) {
  for (std::string_view type : {"stts", "stsc", "stco"}) {
    b.begin_full(type, 0, 0);
    b.out().u32be(0);  // entry_count
    b.end();
  }
  b.begin_full("stsz", 0, 0);
  b.out().u32be(0);  // sample_size
  b.out().u32be(0);  // sample_count
  b.end();
}

void write_trak(BoxWriter& b, const media::TrackInfo& t, const VideoParams& v,
                const AudioParams& a) {
  bool video = t.kind == media::MediaKind::Video;
  b.begin("trak");
  write_tkhd(b, t, v);
  b.begin("mdia");
  write_mdhd_hdlr(b, t);
  b.begin("minf");
  if (video) {
    b.begin_full("vmhd", 0, 0x000001);
    b.out().zeros(8);  // graphicsmode, opcolor
    b.end();
  } else {
    b.begin_full("smhd", 0, 0);
    b.out().zeros(4);  // balance, reserved
    b.end();
  }
  write_dinf(b);
  b.begin("stbl");
  b.begin_full("stsd", 0, 0);
  b.out().u32be(1);
  if (video) {
    write_avc1(b, t, v);
  } else {
    write_mp4a(b, t, a);
  }
  b.end();  // stsd
  write_empty_tables(b);
  b.end();  // stbl
  b.end();  // minf
  b.end();  // mdia
  b.end();  // trak
}

void write_mvex(BoxWriter& b, const media::TrackInfo& t) {
  b.begin("mvex");
  b.begin_full("trex", 0, 0);
  b.out().u32be(static_cast<uint32_t>(t.id));
  b.out().u32be(1);   // default_sample_description_index
  b.out().zeros(12);  // default duration, size, flags: every trun carries its own
  b.end();
  b.end();
}

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "fmp4 init: " + what);
}

}  // namespace

Result<Bytes> write_init_segment(const media::TrackInfo& track) {
  if (track.id <= 0) {
    return invalid("track id must be positive");
  }
  if (track.timescale == 0) {
    return invalid("timescale must be positive");
  }
  VideoParams video;
  AudioParams audio;
  if (track.kind == media::MediaKind::Video) {
    if (track.codec != media::Codec::H264) {
      return invalid("video track must be H.264");
    }
    auto config = avc::AvcDecoderConfig::parse(track.codec_config);
    if (!config.ok()) {
      return config.error().with_context("fmp4 init");
    }
    video.width = track.width;
    video.height = track.height;
    if (video.width <= 0 || video.height <= 0) {
      auto sps = avc::parse_sps(config->sps.front());
      if (!sps.ok()) {
        return sps.error().with_context("fmp4 init");
      }
      video.width = sps->width;
      video.height = sps->height;
    }
    if (video.width > 0xffff || video.height > 0xffff) {
      return invalid("picture size out of range");
    }
  } else {
    if (track.codec != media::Codec::Aac) {
      return invalid("audio track must be AAC");
    }
    auto asc = aac::AudioSpecificConfig::parse(track.codec_config);
    if (!asc.ok()) {
      return asc.error().with_context("fmp4 init");
    }
    audio.sample_rate =
        track.sample_rate > 0 ? track.sample_rate : static_cast<int>(asc->sample_rate);
    audio.channels = track.channels > 0 ? track.channels : asc->channels();
    if (audio.channels <= 0) {
      audio.channels = 2;  // layout defined by a PCE; the decoder reads it from the ASC
    }
  }

  BoxWriter b;
  write_ftyp(b);
  b.begin("moov");
  write_mvhd(b, static_cast<uint32_t>(track.id) + 1);
  write_trak(b, track, video, audio);
  write_mvex(b, track);
  b.end();
  return std::move(b).take();
}

}  // namespace antcdn::format::fmp4
