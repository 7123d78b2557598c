#pragma once

// The bytes under one RTMP session: a plain TCP socket (rtmp://) or TLS over
// it (rtmps://). The session code reads and writes through this and never
// knows which; only the listener's .cc files include it.

#include <cstddef>
#include <memory>
#include <tuple>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace boost::asio::ssl {
class context;
}

namespace antcdn::ingest::rtmp {

class ByteStream {
 public:
  using IoResult = std::tuple<boost::system::error_code, std::size_t>;

  virtual ~ByteStream() = default;
  // TLS: the server handshake; plain TCP: nothing to do.
  virtual boost::asio::awaitable<boost::system::error_code> handshake() = 0;
  virtual boost::asio::awaitable<IoResult> read_some(boost::asio::mutable_buffer buffer) = 0;
  // Writes all of `buffer`.
  virtual boost::asio::awaitable<IoResult> write(boost::asio::const_buffer buffer) = 0;
  // Half-closes the TCP connection (no TLS close_notify: the session is over).
  virtual void shutdown_send() = 0;
  // Closes the socket; pending reads and writes end with an error.
  virtual void close() = 0;
  virtual boost::asio::any_io_executor executor() = 0;
};

std::unique_ptr<ByteStream> make_tcp_stream(boost::asio::ip::tcp::socket socket);
// Keeps `context` (the certificate at accept time) for the connection's life.
std::unique_ptr<ByteStream> make_tls_stream(boost::asio::ip::tcp::socket socket,
                                            std::shared_ptr<boost::asio::ssl::context> context);

}  // namespace antcdn::ingest::rtmp
