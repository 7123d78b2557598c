#include "metrics/family.h"

namespace antcdn::metrics {

namespace {

// [a-zA-Z_][a-zA-Z0-9_]*, and ':' too where `colon` allows it.
bool is_identifier(std::string_view name, bool colon) {
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
      return false;
    }
  }
  return !name.empty();
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  return is_identifier(name, true);
}

bool is_valid_label_name(std::string_view name) {
  return is_identifier(name, false) && !name.starts_with("__") && name != "le";
}

MetricFamily make_family(std::string name, std::string help, MetricType type, double value) {
  return MetricFamily{std::move(name), std::move(help), type, {Sample{{}, value, std::nullopt}}};
}

}  // namespace antcdn::metrics
