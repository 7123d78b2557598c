#pragma once

// SEAM: writing objects without waiting. The packager writes through it
// (WriteQueue implements it): a call only queues the job, which runs on a
// storage thread, in order with the other jobs of the same stream, and reports
// its outcome through the callback.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "storage/object_store.h"

namespace antcdn::storage {

// Called exactly once per accepted job, on a storage thread once it finished
// (or, for a job that discard() or a later claim() dropped, on that caller). It must not
// wait for other jobs.
using WriteCallback = std::function<void(Status)>;

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  // InvalidArgument for a bad key or prefix or a null object, ResourceExhausted
  // when over budget; otherwise the job is queued and `done` (if any) will run.
  virtual Status put(std::string key, ObjectPtr object, WriteCallback done) = 0;
  virtual Status remove(std::string key, WriteCallback done) = 0;
  virtual Status remove_prefix(std::string prefix, WriteCallback done) = 0;
  // Drops the queued jobs under `prefix` and stops retrying a running one
  // (a node that no longer owns the stream). Returns how many it stopped.
  virtual Result<size_t> discard(const std::string& prefix) = 0;
  // A writer for the stream `prefix` ("lse_x/") that supersedes every earlier
  // claim of that stream: the older writers' queued jobs are dropped (their
  // callbacks get Conflict) and their later submissions refused with Conflict.
  // A new session claims its stream before its first write, so late writes of
  // the session before it cannot land over its objects.
  virtual std::unique_ptr<ObjectWriter> claim(const std::string& prefix) = 0;
};

}  // namespace antcdn::storage
