#pragma once

// Addresses of the real servers some suites need (PostgreSQL, Swift s3api).
// The ctest fixtures start them on free ports under ANTCDN_TEST_SERVERS_DIR
// (tools/pg_loopback.sh, tools/swift_loopback.sh), each writing its address to
// a file there; a developer can instead export the address itself.

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace antcdn::testing {

// The value of `env`, else the first line of ANTCDN_TEST_SERVERS_DIR/`file`.
// nullopt when neither is set (the suite skips); an empty string when the
// file is missing (the suite fails: the fixture broke).
inline std::optional<std::string> server_address(const std::string& env, const std::string& file) {
  if (const char* value = std::getenv(env.c_str()); value && *value) {
    return std::string(value);
  }
  if (const char* dir = std::getenv("ANTCDN_TEST_SERVERS_DIR"); dir && *dir) {
    std::ifstream in(std::string(dir) + "/" + file);
    std::string address;
    std::getline(in, address);
    return address;
  }
  return std::nullopt;
}

}  // namespace antcdn::testing
