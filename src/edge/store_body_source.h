#pragma once

// The body of a large object's answer (a recording's download.mp4), read from
// the store piece by piece as the server sends it (net::BodySource): each
// piece is a ranged read (storage::ObjectReader::get_range_async, on a storage
// thread, never cached), so a download holds at most two pieces in memory and
// a slow client slows its reads down.

#include <cstdint>
#include <memory>
#include <string>

#include "net/body_source.h"
#include "storage/object_reader.h"

namespace antcdn::edge {

// What one read asks of the store: large enough that S3 answers are not all
// request overhead, small enough that thousands of downloads fit in memory.
inline constexpr size_t kDownloadPieceBytes = size_t{2} << 20;

class StoreBodySource final : public net::BodySource,
                              public std::enable_shared_from_this<StoreBodySource> {
 public:
  // Bytes [first, first + length) of `key`; `objects` must outlive the reads.
  StoreBodySource(storage::ObjectReader& objects, std::string key, uint64_t first, uint64_t length,
                  size_t piece_bytes = kDownloadPieceBytes);

  uint64_t length() const override { return length_; }
  // A piece shorter than asked (the object changed or shrank) is an error.
  void next(net::PieceCallback done) override;

 private:
  storage::ObjectReader& objects_;
  const std::string key_;
  const uint64_t first_;
  const uint64_t length_;
  const size_t piece_bytes_;
  uint64_t asked_ = 0;  // bytes asked so far (next() calls never overlap)
};

}  // namespace antcdn::edge
