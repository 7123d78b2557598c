#pragma once

// A credential in memory (stream key, API key). It has no operator<< and no
// fmt::formatter, so passing one to a log call does not compile; reveal() makes
// every place that needs the plain text explicit and easy to audit.

#include <string>
#include <string_view>
#include <utility>

namespace antcdn {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  std::string_view reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

}  // namespace antcdn
