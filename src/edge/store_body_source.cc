#include "edge/store_body_source.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace antcdn::edge {

StoreBodySource::StoreBodySource(storage::ObjectReader& objects, std::string key, uint64_t first,
                                 uint64_t length, size_t piece_bytes)
    : objects_(objects),
      key_(std::move(key)),
      first_(first),
      length_(length),
      piece_bytes_(std::max<size_t>(piece_bytes, 1)) {}

void StoreBodySource::next(net::PieceCallback done) {
  const uint64_t offset = first_ + asked_;
  const auto size = static_cast<size_t>(std::min<uint64_t>(piece_bytes_, length_ - asked_));
  asked_ += size;
  // The source stays alive until its read answers, even if the client left.
  objects_.get_range_async(
      key_, offset, size,
      [self = shared_from_this(), offset, size,
       done = std::move(done)](Result<storage::ObjectRange> piece) {
        if (!piece.ok()) {
          spdlog::warn("edge: reading {} at {} failed: {}", self->key_, offset,
                       piece.error().describe());
          done(piece.error());
          return;
        }
        if (piece->data.size() != size) {
          done(make_error(Code::Unavailable, self->key_ + " changed while it was sent"));
          return;
        }
        done(std::move(piece->data));
      });
}

}  // namespace antcdn::edge
