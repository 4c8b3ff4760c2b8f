#include "core/http/message.hpp"

#include <algorithm>

namespace flowscope::http {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> out;
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view element = trim(value.substr(0, comma));
    if (!element.empty()) out.push_back(element);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

const std::string* Headers::find(std::string_view name) const {
  for (const auto& h : items)
    if (iequals(h.name, name)) return &h.value;
  return nullptr;
}

std::vector<std::string_view> Headers::find_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& h : items)
    if (iequals(h.name, name)) out.emplace_back(h.value);
  return out;
}

void Headers::add(std::string name, std::string value) {
  items.push_back(Header{std::move(name), std::move(value)});
}

void Headers::set(std::string_view name, std::string value) {
  auto first = std::find_if(items.begin(), items.end(), [&](const Header& h) { return iequals(h.name, name); });
  if (first == items.end()) {
    items.push_back(Header{std::string(name), std::move(value)});
    return;
  }
  first->value = std::move(value);
  auto index = first - items.begin();
  auto tail = std::remove_if(items.begin() + index + 1, items.end(),
                             [&](const Header& h) { return iequals(h.name, name); });
  items.erase(tail, items.end());
}

std::size_t Headers::remove(std::string_view name) {
  auto tail = std::remove_if(items.begin(), items.end(), [&](const Header& h) { return iequals(h.name, name); });
  auto removed = static_cast<std::size_t>(items.end() - tail);
  items.erase(tail, items.end());
  return removed;
}

bool Headers::has_token(std::string_view name, std::string_view token) const {
  for (const auto& h : items) {
    if (!iequals(h.name, name)) continue;
    for (auto element : split_list(h.value))
      if (iequals(element, token)) return true;
  }
  return false;
}

std::string RequestHead::version() const {
  return "HTTP/" + std::to_string(version_major) + "." + std::to_string(version_minor);
}

std::string ResponseHead::version() const {
  return "HTTP/" + std::to_string(version_major) + "." + std::to_string(version_minor);
}

}  // namespace flowscope::http
