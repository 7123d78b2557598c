#pragma once

// The RTMPS listener's certificate and key (PEM files), TLS 1.2 and later.
// reload() reads the files again (SIGHUP, after a certificate renewal): new
// connections get the new pair, connections already open keep theirs. A pair
// that does not load (missing file, key that does not match) leaves the old
// one in place and says why.
//
// Threads: load() and reload() read files, so they run on a thread that may
// block; current() is cheap and is called on the ingest loop.

#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"

namespace boost::asio::ssl {
class context;
}

namespace antcdn::ingest::rtmp {

class TlsCredentials {
 public:
  static Result<std::unique_ptr<TlsCredentials>> load(std::string cert_file, std::string key_file);

  Status reload();
  std::shared_ptr<boost::asio::ssl::context> current() const;

  TlsCredentials(std::string cert_file, std::string key_file)
      : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

 private:
  std::string cert_file_;
  std::string key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace antcdn::ingest::rtmp
