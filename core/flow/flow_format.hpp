#pragma once
// The record format of the JSON Lines store (docs/flow-format.md), shared by the line
// writer and the reader. Every record carries "format": kFlowFormat. Bytes that are not
// valid UTF-8 (bodies, and any string field, headers included) are stored as base64 so
// that the output is always valid JSON and every field round-trips exactly.

namespace flowscope::flow {

inline constexpr int kFlowFormat = 1;

}  // namespace flowscope::flow
