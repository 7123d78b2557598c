#pragma once

// Flag bits of the movie-fragment boxes (ISO/IEC 14496-12 8.8), shared by the
// writer (media_segment.cc) and the reader (keyframe_reader.cc).

#include <cstdint>

namespace antcdn::format::fmp4 {

// tfhd (8.8.7).
inline constexpr uint32_t kBaseDataOffsetPresent = 0x000001;
inline constexpr uint32_t kSampleDescriptionIndexPresent = 0x000002;
inline constexpr uint32_t kDefaultDurationPresent = 0x000008;
inline constexpr uint32_t kDefaultSizePresent = 0x000010;
inline constexpr uint32_t kDefaultFlagsPresent = 0x000020;
inline constexpr uint32_t kDefaultBaseIsMoof = 0x020000;
// trun (8.8.8).
inline constexpr uint32_t kDataOffsetPresent = 0x000001;
inline constexpr uint32_t kFirstSampleFlagsPresent = 0x000004;
inline constexpr uint32_t kSampleDurationPresent = 0x000100;
inline constexpr uint32_t kSampleSizePresent = 0x000200;
inline constexpr uint32_t kSampleFlagsPresent = 0x000400;
inline constexpr uint32_t kSampleCtoPresent = 0x000800;
// Sample flags (8.8.3.1): sample_is_non_sync_sample.
inline constexpr uint32_t kNonSyncSample = 0x00010000;

}  // namespace antcdn::format::fmp4
