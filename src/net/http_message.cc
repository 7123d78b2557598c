#include "net/http_message.h"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace antcdn::net {

Result<QueryParams> parse_query(std::string_view query) {
  if (query.empty()) {
    return QueryParams{};  // also a default string_view, whose null data Boost.URL reads past
  }
  // Parsed once to learn whether it is valid: params_view's own constructor
  // would throw on a malformed one, and a request is never answered by a throw.
  if (!boost::urls::parse_query(query)) {
    return make_error(Code::InvalidArgument,
                      "the query string is not valid (a bad %-escape or a character that must "
                      "be escaped)");
  }
  // Forms send a space as '+'.
  boost::urls::params_view params(query, boost::urls::encoding_opts(/*space_as_plus=*/true));
  QueryParams out;
  for (const auto& p : params) {
    if (p.key.empty() && !p.has_value) {
      continue;  // "a=1&&b=2"
    }
    out.emplace_back(p.key, p.value);
  }
  return out;
}

}  // namespace antcdn::net
