#pragma once

// A debugging sink that writes what ingest produced, one JSON line per event, to
// DIR/{streamId}.jsonl, then hands every event on to the real pipeline. Used by
// black-box tests to compare ingest's output with what ffprobe says of the
// source, and by operators chasing an encoder problem. It wraps the pipeline
// rather than sitting beside it so the access unit still has one owner: the
// line is written first, then the unit is moved on.

#include <cstdio>
#include <memory>
#include <string>

#include "media/access_unit_sink.h"

namespace antcdn::app {

class AccessUnitRecorder final : public media::AccessUnitSink {
 public:
  AccessUnitRecorder(const std::string& dir, const std::string& stream_id,
                     std::shared_ptr<media::AccessUnitSink> next);
  ~AccessUnitRecorder() override;

  void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
  void on_access_unit(media::AccessUnit&& unit) override;
  void on_end(media::EndReason reason) override;

 private:
  struct Closer {
    // The unique_ptr this deleter belongs to is the FILE's owner.
    void operator()(std::FILE* f) const {
      std::fclose(f);  // NOLINT(cppcoreguidelines-owning-memory)
    }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::shared_ptr<media::AccessUnitSink> next_;
};

}  // namespace antcdn::app
