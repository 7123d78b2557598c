#pragma once

// Opening a listening socket, shared by the HTTP and RTMP listeners. Included
// only by I/O translation units.

#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "common/result.h"

namespace antcdn::net {

// Opens, binds (SO_REUSEADDR) and listens; returns the bound port.
Result<uint16_t> listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                           uint16_t port, const std::string& name);

}  // namespace antcdn::net
