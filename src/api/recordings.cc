#include "api/recordings.h"

#include <spdlog/spdlog.h>

#include "api/errors.h"
#include "api/pagination.h"
#include "api/recording_dto.h"
#include "common/ids.h"

namespace antcdn::api {
namespace {

Error not_found() {
  return make_error(Code::NotFound, "recording not found");
}

}  // namespace

Result<store::RecordingRecord> Recordings::owned(const std::string& owner,
                                                 const std::string& recording_id) {
  if (!ids::is_recording_id(recording_id)) {
    return not_found();
  }
  auto found = recordings_.get_recording(recording_id);
  if (!found.ok()) {
    return found.error();
  }
  if (!*found || (*found)->owner_key_id != owner) {
    return not_found();
  }
  return std::move(**found);
}

net::HttpResponse Recordings::list(const std::string& owner, const std::string& stream_id,
                                   const net::HttpRequest& req) {
  auto stream = streams_.get(stream_id);
  if (!stream.ok()) {
    return error_response(stream.error());
  }
  if (!*stream || (*stream)->owner_key_id != owner) {
    return error_response(404, "not_found", "live stream not found");
  }
  auto page = parse_page_query(req);
  if (!page.ok()) {
    return error_response(page.error());
  }
  auto rows = recordings_.list_recordings(stream_id, page->limit + 1, page->before);
  if (!rows.ok()) {
    return error_response(rows.error());
  }
  std::optional<std::string> next = cut_page(*rows, page->limit);
  return json_response(200, recording_page_json(*rows, urls_, next));
}

net::HttpResponse Recordings::get(const std::string& owner, const std::string& recording_id) {
  auto r = owned(owner, recording_id);
  if (!r.ok()) {
    return error_response(r.error());
  }
  return json_response(200, recording_json(*r, urls_));
}

net::HttpResponse Recordings::remove(const std::string& owner, const std::string& recording_id) {
  auto r = owned(owner, recording_id);
  if (!r.ok()) {
    return error_response(r.error());
  }
  if (r->state == store::RecordingState::Recording) {
    return error_response(409, "conflict",
                          "the recording is still being written; delete it once it is ready "
                          "or failed");
  }
  if (Status s = remove_(*r); !s.ok()) {
    spdlog::error("api: deleting recording {}: {}", recording_id, s.error().describe());
    return error_response(s.error());
  }
  spdlog::info("api: deleted recording {}", recording_id);
  net::HttpResponse res;
  res.status = 204;
  return res;
}

}  // namespace antcdn::api
