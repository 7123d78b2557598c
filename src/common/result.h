#pragma once

// The project's one error type. Data-plane code returns Result<T> instead of
// throwing; errors are mapped to protocol replies only at the edges (RTMP status
// in ingest, HTTP status in api/errors.cc).

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace antcdn {

enum class Code {
  InvalidArgument,    // malformed input from a peer or a user
  NotFound,           // no such resource (or not visible to this caller)
  Conflict,           // resource is in a state that forbids the operation
  Unauthenticated,    // missing or wrong credential
  ResourceExhausted,  // a limit was hit (size, count, rate)
  Unsupported,        // well-formed but not something we accept (e.g. a codec)
  Unavailable,        // a dependency failed; retrying may help
  Internal,           // a bug or an unexpected environment failure
};

struct Error {
  Code code = Code::Internal;
  std::string message;
  std::string context;  // outermost first: "rtmp session: chunk stream: ..."

  // Wraps the error with the place it passed through, like SRS's wrap chain.
  Error with_context(std::string_view where) const& {
    Error e = *this;
    e.context = e.context.empty() ? std::string(where) : std::string(where) + ": " + e.context;
    return e;
  }

  std::string describe() const { return context.empty() ? message : context + ": " + message; }
};

inline Error make_error(Code code, std::string message) {
  return Error{code, std::move(message), {}};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace antcdn
