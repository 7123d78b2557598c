#pragma once

// A debugging sink that writes what ingest produced, one JSON line per event, to
// DIR/{streamId}.jsonl. Used by black-box tests to compare ingest's output with
// what ffprobe says of the source, and by operators chasing an encoder problem.

#include <cstdio>
#include <memory>
#include <string>

#include "media/access_unit_sink.h"

namespace antcdn::app {

class AccessUnitRecorder final : public media::AccessUnitSink {
 public:
  AccessUnitRecorder(const std::string& dir, const std::string& stream_id);
  ~AccessUnitRecorder() override;

  void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
  void on_access_unit(const media::AccessUnit& unit) override;
  void on_end(media::EndReason reason) override;

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace antcdn::app
