#pragma once

// HTTP answers for the embedded pages, shared by the API listener (/console)
// and the edge listener (/watch/{edgeId}) so both send the same headers.

#include <optional>
#include <string_view>

#include "net/http_message.h"

namespace antcdn::web {

enum class Framing { Deny, Allow };  // the console refuses frames; the viewer may be embedded

// An HTML page with its content security policy (scripts, styles and media from
// this origin only; blob: for hls.js's MediaSource and worker) and no caching,
// so a new binary's page is seen at once. `status` lets the edge answer an
// unknown stream with 404 and the same page.
std::optional<net::HttpResponse> page_response(std::string_view name, Framing framing,
                                               int status = 200);

// A script, stylesheet or image from the asset folder; nullopt if unknown.
std::optional<net::HttpResponse> asset_response(std::string_view name);

// A public document meant for other tools (the OpenAPI description): cacheable
// like an asset, and readable from any origin (an API explorer hosted elsewhere
// fetches it; it holds no secret and the request carries no credential).
std::optional<net::HttpResponse> document_response(std::string_view name);

}  // namespace antcdn::web
