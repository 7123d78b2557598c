#include "ingest/rtmp/tls_credentials.h"

#include <boost/asio/ssl/context.hpp>

#include "common/blocking.h"

namespace antcdn::ingest::rtmp {
namespace {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>> make_context(const std::string& cert_file,
                                                   const std::string& key_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  // TLS 1.2 and later only.
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return make_error(Code::InvalidArgument, "--tls-cert " + cert_file + ": " + ec.message());
  }
  // OpenSSL checks here that the key is the certificate's.
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return make_error(Code::InvalidArgument, "--tls-key " + key_file +
                                                 ": not a PEM key that matches --tls-cert " +
                                                 cert_file + (ec ? " (" + ec.message() + ")" : ""));
  }
  return context;
}

}  // namespace

Result<std::unique_ptr<TlsCredentials>> TlsCredentials::load(std::string cert_file,
                                                             std::string key_file) {
  auto credentials = std::make_unique<TlsCredentials>(std::move(cert_file), std::move(key_file));
  if (Status s = credentials->reload(); !s.ok()) {
    return s.error();
  }
  return credentials;
}

Status TlsCredentials::reload() {
  assert_may_block("TlsCredentials::reload (reads the PEM files)");
  auto context = make_context(cert_file_, key_file_);
  if (!context.ok()) {
    return context.error();
  }
  std::lock_guard lock(mutex_);
  context_ = std::move(*context);
  return {};
}

std::shared_ptr<ssl::context> TlsCredentials::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

}  // namespace antcdn::ingest::rtmp
