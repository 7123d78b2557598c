#include "metrics/exposition.h"

#include <cmath>

#include <fmt/format.h>

namespace antcdn::metrics {
namespace {

std::string_view type_name(MetricType t) {
  switch (t) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

// Go's ParseFloat reads what fmt writes, apart from the infinities and NaN.
void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

// Help texts escape backslash and newline; label values the double quote too.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// {a="1",b="2"} plus an optional le="..." last; nothing when both are empty.
void append_labels(std::string& out, const Labels& labels, const std::string* le) {
  if (labels.empty() && le == nullptr) {
    return;
  }
  out += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (const auto& [name, value] : labels) {
    one(name, value);
  }
  if (le != nullptr) {
    one("le", *le);
  }
  out += '}';
}

void append_line(std::string& out, std::string_view name, std::string_view suffix,
                 const Labels& labels, const std::string* le, double value) {
  out += name;
  out += suffix;
  append_labels(out, labels, le);
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void append_histogram(std::string& out, std::string_view name, const Labels& labels,
                      const HistogramValue& h) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    std::string le;
    if (i < h.bounds.size()) {
      append_number(le, h.bounds[i]);
    } else {
      le = "+Inf";
    }
    append_line(out, name, "_bucket", labels, &le, static_cast<double>(cumulative));
  }
  append_line(out, name, "_sum", labels, nullptr, h.sum);
  append_line(out, name, "_count", labels, nullptr, static_cast<double>(cumulative));
}

bool valid_labels(const Labels& labels) {
  for (const auto& [name, value] : labels) {
    if (!is_valid_label_name(name)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string render_text(std::span<const MetricFamily> families) {
  std::string out;
  for (const auto& f : families) {
    if (!is_valid_metric_name(f.name)) {
      continue;
    }
    out += "# HELP ";
    out += f.name;
    out += ' ';
    append_escaped(out, f.help, false);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += type_name(f.type);
    out += '\n';
    for (const auto& s : f.samples) {
      if (!valid_labels(s.labels)) {
        continue;
      }
      if (f.type == MetricType::Histogram) {
        if (s.histogram) {
          append_histogram(out, f.name, s.labels, *s.histogram);
        }
      } else {
        append_line(out, f.name, "", s.labels, nullptr, s.value);
      }
    }
  }
  return out;
}

}  // namespace antcdn::metrics
