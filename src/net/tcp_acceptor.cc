#include "net/tcp_acceptor.h"

namespace antcdn::net {

Result<uint16_t> listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                           uint16_t port, const std::string& name) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    return make_error(Code::InvalidArgument, name + ": bad listen address " + host);
  }
  asio::ip::tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return make_error(Code::Unavailable, name + ": cannot listen on " + host + ":" +
                                             std::to_string(port) + ": " + ec.message());
  }
  return acceptor.local_endpoint().port();
}

}  // namespace antcdn::net
