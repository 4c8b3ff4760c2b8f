#include "core/filter/threshold.hpp"

#include <charconv>
#include <cmath>

#include "core/http/message.hpp"

namespace flowscope::filter {

bool Threshold::holds(double measured) const {
  switch (comparison) {
    case Comparison::kLess: return measured < value;
    case Comparison::kLessEqual: return measured <= value;
    case Comparison::kEqual: return measured == value;
    case Comparison::kGreaterEqual: return measured >= value;
    case Comparison::kGreater: return measured > value;
  }
  return false;
}

std::expected<Threshold, std::string> parse_threshold(std::string_view text, std::span<const Unit> units,
                                                      std::string_view example) {
  std::string unit_list;
  for (const auto& unit : units) unit_list += (unit_list.empty() ? "" : ", ") + std::string(unit.suffix);
  auto expected = [&] {
    return std::unexpected("expected a comparison such as " + std::string(example) + " (units: " + unit_list + ")");
  };

  Threshold threshold;
  auto take = [&](std::string_view op, Comparison comparison) {
    if (!text.starts_with(op)) return false;
    threshold.comparison = comparison;
    text.remove_prefix(op.size());
    return true;
  };
  // Two-character operators first, so ">=" is not read as ">" then "=5".
  take(">=", Comparison::kGreaterEqual) || take("<=", Comparison::kLessEqual) || take("==", Comparison::kEqual) ||
      take(">", Comparison::kGreater) || take("<", Comparison::kLess) || take("=", Comparison::kEqual);

  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || !std::isfinite(number) || number < 0) return expected();
  std::string_view suffix(end, text.data() + text.size() - end);
  if (suffix.empty()) {
    threshold.value = number;
    return threshold;
  }
  for (const auto& unit : units) {
    if (http::iequals(suffix, unit.suffix)) {
      threshold.value = number * unit.factor;
      return threshold;
    }
  }
  return std::unexpected("unknown unit \"" + std::string(suffix) + "\" (units: " + unit_list + ")");
}

}  // namespace flowscope::filter
