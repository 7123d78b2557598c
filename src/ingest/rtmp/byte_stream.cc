#include "ingest/rtmp/byte_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace antcdn::ingest::rtmp {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

void close_socket(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

class TcpStream final : public ByteStream {
 public:
  explicit TcpStream(tcp::socket socket) : socket_(std::move(socket)) {}

  asio::awaitable<boost::system::error_code> handshake() override {
    co_return boost::system::error_code();
  }
  asio::awaitable<IoResult> read_some(asio::mutable_buffer buffer) override {
    co_return co_await socket_.async_read_some(buffer, kNoThrow);
  }
  asio::awaitable<IoResult> write(asio::const_buffer buffer) override {
    co_return co_await asio::async_write(socket_, buffer, kNoThrow);
  }
  void shutdown_send() override {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }
  void close() override { close_socket(socket_); }
  asio::any_io_executor executor() override { return socket_.get_executor(); }

 private:
  tcp::socket socket_;
};

class TlsStream final : public ByteStream {
 public:
  TlsStream(tcp::socket socket, std::shared_ptr<asio::ssl::context> context)
      : context_(std::move(context)), stream_(std::move(socket), *context_) {}

  asio::awaitable<boost::system::error_code> handshake() override {
    auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    co_return ec;
  }
  asio::awaitable<IoResult> read_some(asio::mutable_buffer buffer) override {
    co_return co_await stream_.async_read_some(buffer, kNoThrow);
  }
  asio::awaitable<IoResult> write(asio::const_buffer buffer) override {
    co_return co_await asio::async_write(stream_, buffer, kNoThrow);
  }
  void shutdown_send() override {
    boost::system::error_code ignored;
    stream_.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
  }
  void close() override { close_socket(stream_.next_layer()); }
  asio::any_io_executor executor() override { return stream_.get_executor(); }

 private:
  std::shared_ptr<asio::ssl::context> context_;
  asio::ssl::stream<tcp::socket> stream_;
};

}  // namespace

std::unique_ptr<ByteStream> make_tcp_stream(tcp::socket socket) {
  return std::make_unique<TcpStream>(std::move(socket));
}

std::unique_ptr<ByteStream> make_tls_stream(tcp::socket socket,
                                            std::shared_ptr<asio::ssl::context> context) {
  return std::make_unique<TlsStream>(std::move(socket), std::move(context));
}

}  // namespace antcdn::ingest::rtmp
