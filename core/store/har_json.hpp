#pragma once
// Typed access to a HAR document's JSON, for the readers of its entries. Entries are
// read without exceptions: every access checks the type, and a field of the wrong type
// counts as missing (callers decide which fields an entry cannot do without).
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace flowscope::store::har {

// nullptr when `object` is not an object or has no `key`.
const nlohmann::json* member(const nlohmann::json& object, const char* key);
const nlohmann::json* object_at(const nlohmann::json& object, const char* key);
const nlohmann::json* array_at(const nlohmann::json& object, const char* key);
std::optional<std::string> string_at(const nlohmann::json& object, const char* key);
// Any finite JSON number: HAR files write sizes and times as integers or floats alike.
std::optional<double> number_at(const nlohmann::json& object, const char* key);
// A size: a non-negative number (HAR uses -1 for "unknown").
std::optional<std::uint64_t> size_at(const nlohmann::json& object, const char* key);
// true only for a JSON true.
bool flag_at(const nlohmann::json& object, const char* key);
// A non-empty string of digits, or an unsigned number (ids, ports).
std::optional<std::uint64_t> id_at(const nlohmann::json& object, const char* key);

}  // namespace flowscope::store::har
