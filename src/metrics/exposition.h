#pragma once

// The Prometheus text exposition format, version 0.0.4, as a pure function.

#include <span>
#include <string>
#include <string_view>

#include "metrics/family.h"

namespace antcdn::metrics {

// The Content-Type of what render_text() returns.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// One "# HELP" and "# TYPE" line per family, then its samples; histograms as
// cumulative _bucket{le=...} lines, _sum and _count. Label values and help
// texts are escaped. Families with an invalid name, and samples with an
// invalid label name, are left out (callers are expected to pass valid ones).
std::string render_text(std::span<const MetricFamily> families);

}  // namespace antcdn::metrics
