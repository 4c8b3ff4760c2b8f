#include "gui/detail_pane.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <optional>

#include "gui/model/copy_as.hpp"
#include "gui/model/flow_pair_diff.hpp"
#include "gui/model/hex_dump.hpp"
#include "gui/model/image_decode.hpp"
#include "gui/model/json_tree.hpp"
#include "gui/model/timing_bars.hpp"

namespace flowscope::gui {
namespace {

// What one body looks like once prepared. Built when the flow, side or raw toggle
// changes, never per frame: decoding, pretty-printing and line splitting of a large
// body are too slow to repeat at 60 Hz.
struct BodyCache {
  std::string key;  // flow id + side + raw
  DecodedBody decoded;
  BodyMode auto_mode = BodyMode::kText;
  std::string pretty;  // JSON pretty-printed (computed lazily)
  bool pretty_done = false;
  std::optional<Result<JsonNode>> tree;
  std::vector<std::size_t> line_starts;  // of the shown page's text
  std::size_t lines_page = static_cast<std::size_t>(-1);
  BodyMode lines_mode = BodyMode::kAuto;
  std::string image_error;
  GLuint texture = 0;
  int image_width = 0, image_height = 0;
  bool image_tried = false;
};

BodyCache& cache_for(int side) {
  static BodyCache caches[2];
  return caches[side];
}

void reset(BodyCache& cache, std::string key) {
  if (cache.texture != 0) glDeleteTextures(1, &cache.texture);
  cache = BodyCache{};
  cache.key = std::move(key);
}

void split_lines(std::string_view text, std::vector<std::size_t>& starts) {
  starts.clear();
  starts.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
}

void draw_headers(const http::Headers& headers, const UiFonts& fonts) {
  if (!ImGui::BeginTable("headers", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_Resizable |
                                           ImGuiTableFlags_RowBg))
    return;
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthFixed, 180.0f);
  ImGui::TableSetupColumn("Value");
  ImGui::TableHeadersRow();
  ImGui::PushFont(fonts.mono);
  for (const http::Header& header : headers.items) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(header.name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", header.value.c_str());
  }
  ImGui::PopFont();
  ImGui::EndTable();
}

void draw_json_node(const JsonNode& node) {
  const std::string label = (node.key.empty() ? std::string("(root)") : node.key);
  if (node.children.empty()) {
    ImGui::BulletText("%s: %s", label.c_str(), node.value_preview.c_str());
    return;
  }
  // The root starts open: a collapsed "(root) {3}" shows nothing of the body.
  const ImGuiTreeNodeFlags flags = node.key.empty() ? ImGuiTreeNodeFlags_DefaultOpen : 0;
  const bool open = ImGui::TreeNodeEx(static_cast<const void*>(&node), flags, "%s %s", label.c_str(),
                                      node.value_preview.c_str());
  if (!open) return;
  for (const JsonNode& child : node.children) draw_json_node(child);
  ImGui::TreePop();
}

// Lines of `text` drawn through a clipper: only the visible ones are submitted.
void draw_lines(std::string_view text, const std::vector<std::size_t>& starts) {
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(starts.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const std::size_t begin = starts[static_cast<std::size_t>(i)];
      std::size_t end = static_cast<std::size_t>(i) + 1 < starts.size()
                            ? starts[static_cast<std::size_t>(i) + 1] - 1
                            : text.size();
      end = std::max(begin, end);
      ImGui::TextUnformatted(text.data() + begin, text.data() + end);
    }
  }
}

void draw_image(BodyCache& cache) {
  if (!cache.image_tried) {
    cache.image_tried = true;
    auto image = decode_image(cache.decoded.bytes);
    if (!image) {
      cache.image_error = image.error().message;
    } else {
      glGenTextures(1, &cache.texture);
      glBindTexture(GL_TEXTURE_2D, cache.texture);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
      glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, image->width, image->height, 0, GL_RGBA,
                   GL_UNSIGNED_BYTE, image->rgba.data());
      cache.image_width = image->width;
      cache.image_height = image->height;
    }
  }
  if (cache.texture == 0) {
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", cache.image_error.c_str());
    return;
  }
  ImGui::Text("%d x %d", cache.image_width, cache.image_height);
  const float scale = std::min(1.0f, ImGui::GetContentRegionAvail().x / static_cast<float>(cache.image_width));
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(cache.texture)),
               ImVec2(static_cast<float>(cache.image_width) * scale,
                      static_cast<float>(cache.image_height) * scale));
}

void draw_body(const std::string& id, int side, const flow::Body& body, const http::Headers& headers,
               DetailUi& ui, const UiFonts& fonts) {
  BodyCache& cache = cache_for(side);
  // The sizes too: a flow selected in flight is the same id once its body has arrived.
  const std::string key = id + (side ? "/response" : "/request") + (ui.raw ? "/raw" : "") + "/" +
                          std::to_string(body.size) + "/" + std::to_string(body.data.size());
  if (cache.key != key) {
    reset(cache, key);
    if (ui.raw) {
      cache.decoded.bytes = body.data;
      cache.decoded.truncated = body.truncated;
    } else {
      cache.decoded = decode_body(body, headers);
    }
    const std::string* type = headers.find("Content-Type");
    cache.auto_mode = gui::auto_mode(type ? *type : "", cache.decoded.bytes);
  }
  const std::string& bytes = cache.decoded.bytes;

  static const char* const kModes[] = {"Auto", "Text", "JSON", "Hex", "Image"};
  int mode = static_cast<int>(ui.mode);
  ImGui::SetNextItemWidth(100);
  if (ImGui::Combo("View", &mode, kModes, 5)) ui.mode = static_cast<BodyMode>(mode);
  ImGui::SameLine();
  if (ImGui::Checkbox("Raw", &ui.raw)) ui.page = 0;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  char search[256] = {};
  ui.search.copy(search, sizeof search - 1);
  if (ImGui::InputTextWithHint("##search", "search in body", search, sizeof search)) ui.search = search;
  const BodyMode shown = ui.mode == BodyMode::kAuto ? cache.auto_mode : ui.mode;

  ImGui::Text("%zu bytes%s%s%s", bytes.size(), cache.decoded.coding.empty() ? "" : ", decoded from ",
              cache.decoded.coding.c_str(), cache.decoded.truncated ? " (truncated by the body limit)" : "");
  if (!cache.decoded.error.empty())
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "not decoded: %s", cache.decoded.error.c_str());
  if (!ui.search.empty()) {
    const auto hits = find_all(bytes, ui.search, true, 1000);
    ImGui::SameLine();
    if (hits.empty()) ImGui::TextUnformatted("  no match");
    else {
      ImGui::Text("  %zu%s matches, first on page %zu", hits.size(), hits.size() == 1000 ? "+" : "",
                  hits.front() / kBodyPageBytes + 1);
    }
  }

  if (shown == BodyMode::kImage) {
    draw_image(cache);
    return;
  }
  if (shown == BodyMode::kJson) {
    if (!cache.tree) cache.tree = parse_json_tree(bytes);
    if (*cache.tree) {
      ImGui::PushFont(fonts.mono);
      ImGui::BeginChild("json", ImVec2(0, 0), true);
      draw_json_node(**cache.tree);
      ImGui::EndChild();
      ImGui::PopFont();
      return;
    }
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s; shown as text", cache.tree->error().message.c_str());
  }

  const std::size_t pages = page_count(bytes.size());
  ui.page = std::min(ui.page, pages - 1);
  if (pages > 1) {
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left) && ui.page > 0) --ui.page;
    ImGui::SameLine();
    ImGui::Text("page %zu of %zu", ui.page + 1, pages);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right) && ui.page + 1 < pages) ++ui.page;
  }
  ImGui::PushFont(fonts.mono);
  ImGui::BeginChild("body", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  if (shown == BodyMode::kHex) {
    const std::size_t first_line = ui.page * kBodyPageBytes / kHexBytesPerLine;
    const std::size_t lines = std::min(hex_dump_lines(bytes.size()) - std::min(first_line, hex_dump_lines(bytes.size())),
                                       kBodyPageBytes / kHexBytesPerLine);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(lines));
    while (clipper.Step())
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const std::string line = hex_dump_line(bytes, (first_line + static_cast<std::size_t>(i)) * kHexBytesPerLine);
        ImGui::TextUnformatted(line.c_str());
      }
  } else {
    const std::string_view page = body_page(bytes, ui.page, true);
    if (cache.lines_page != ui.page || cache.lines_mode != shown) {
      split_lines(page, cache.line_starts);
      cache.lines_page = ui.page;
      cache.lines_mode = shown;
    }
    draw_lines(page, cache.line_starts);
  }
  ImGui::EndChild();
  ImGui::PopFont();
}

// A flow.error recognised by its wording, with what to do about it.
const char* hint_for(const std::string& error, bool& passthrough) {
  passthrough = error.find("passthrough") != std::string::npos;
  if (passthrough) return "The host is now passed through untouched; clear it to intercept again.";
  if (error.find("certificate") != std::string::npos || error.find("unknown ca") != std::string::npos)
    return "The client refused our certificate: install the flowscope CA (flowscope ca install).";
  if (error.find("refused") != std::string::npos) return "Nothing listens there; is the server up?";
  if (error.find("timed out") != std::string::npos || error.find("timeout") != std::string::npos)
    return "The server did not answer in time.";
  return nullptr;
}

bool tab(const char* label, const char* name, DetailUi& ui) {
  const bool force = ui.tab_forced && ui.tab == name;
  const bool open = ImGui::BeginTabItem(label, nullptr, force ? ImGuiTabItemFlags_SetSelected : 0);
  if (open) {
    if (!ui.tab_forced) ui.tab = name;
    if (force) ui.tab_forced = false;
  }
  return open;
}

void draw_timing(const flow::Flow& flow) {
  const auto segments = timing_segments(flow.timings);
  const double total = timing_total_ms(segments);
  if (segments.empty() || total <= 0) {
    ImGui::TextUnformatted("No timings recorded.");
    return;
  }
  static const ImU32 kColours[] = {IM_COL32(90, 160, 90, 255),  IM_COL32(230, 160, 50, 255),
                                   IM_COL32(170, 90, 200, 255), IM_COL32(80, 140, 230, 255),
                                   IM_COL32(120, 200, 230, 255), IM_COL32(100, 200, 120, 255)};
  const float label_width = 80, value_width = 90;
  const float bar_width = std::max(50.0f, ImGui::GetContentRegionAvail().x - label_width - value_width);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const TimingSegment& s = segments[i];
    ImGui::TextUnformatted(s.name.c_str());
    ImGui::SameLine(label_width);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float height = ImGui::GetTextLineHeight();
    const float x0 = at.x + static_cast<float>(s.start_ms / total) * bar_width;
    const float x1 = std::max(x0 + 1.0f, at.x + static_cast<float>((s.start_ms + s.length_ms) / total) * bar_width);
    draw->AddRectFilled(ImVec2(x0, at.y), ImVec2(x1, at.y + height), kColours[i % 6]);
    ImGui::Dummy(ImVec2(bar_width, height));
    ImGui::SameLine();
    ImGui::Text("%.1f ms", s.length_ms);
  }
  ImGui::Separator();
  ImGui::Text("total %.1f ms", total);
}

void draw_tls(const flow::Flow& flow) {
  if (!flow.tls) {
    ImGui::TextUnformatted(flow.scheme == "tunnel" ? "A blind tunnel: TLS was not intercepted."
                                                   : "Not TLS.");
    return;
  }
  const flow::Tls& tls = *flow.tls;
  if (!ImGui::BeginTable("tls", 2, ImGuiTableFlags_Borders)) return;
  auto row = [](const char* name, const std::string& value) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(value.empty() ? "-" : value.c_str());
  };
  row("SNI", tls.sni);
  row("client: version", tls.client.version);
  row("client: cipher", tls.client.cipher);
  row("client: ALPN", tls.client.alpn);
  row("origin: version", tls.server.version);
  row("origin: cipher", tls.server.cipher);
  row("origin: ALPN", tls.server.alpn);
  row("origin certificate check", tls.upstream_verify);
  row("certificate subject", tls.server_cert_subject);
  row("certificate issuer", tls.server_cert_issuer);
  row("certificate expires", tls.server_cert_not_after);
  ImGui::EndTable();
}

void draw_websocket(const flow::WebSocket& ws, const UiFonts& fonts) {
  ImGui::Text("%zu messages%s", ws.messages.size(),
              ws.messages_dropped ? (", " + std::to_string(ws.messages_dropped) + " more not kept").c_str() : "");
  if (!ws.protocol_error.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", ws.protocol_error.c_str());
  if (!ImGui::BeginTable("ws", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Dir", ImGuiTableColumnFlags_WidthFixed, 40);
  ImGui::TableSetupColumn("Type", ImGuiTableColumnFlags_WidthFixed, 60);
  ImGui::TableSetupColumn("Length", ImGuiTableColumnFlags_WidthFixed, 80);
  ImGui::TableSetupColumn("Data");
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(ws.messages.size()));
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const flow::WebSocketMessage& m = ws.messages[static_cast<std::size_t>(i)];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(m.from_client ? "->" : "<-");
      ImGui::TableNextColumn();
      static const char* const kTypes[] = {"cont", "text", "binary", "?", "?", "?", "?", "?", "close", "ping", "pong"};
      ImGui::TextUnformatted(m.opcode <= 10 ? kTypes[m.opcode] : "?");
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(m.length));
      ImGui::TableNextColumn();
      ImGui::PushFont(fonts.mono);
      if (!m.error.empty()) ImGui::TextUnformatted(m.error.c_str());
      else if (m.opcode == 2) ImGui::TextUnformatted(hex_dump_line(m.data, 0).c_str());
      else ImGui::TextUnformatted(m.data.data(), m.data.data() + std::min<std::size_t>(m.data.size(), 500));
      ImGui::PopFont();
    }
  ImGui::EndTable();
}

// ImGui edits a char buffer; this grows the std::string behind it as the user types.
int resize_string(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* text = static_cast<std::string*>(data->UserData);
    text->resize(static_cast<std::size_t>(data->BufTextLen));
    data->Buf = text->data();
  }
  return 0;
}

bool input_string(const char* label, std::string& text, bool multiline, float height) {
  const ImGuiInputTextFlags flags = ImGuiInputTextFlags_CallbackResize;
  if (multiline)
    return ImGui::InputTextMultiline(label, text.data(), text.capacity() + 1, ImVec2(-1, height), flags,
                                     resize_string, &text);
  return ImGui::InputText(label, text.data(), text.capacity() + 1, flags, resize_string, &text);
}

}  // namespace

DetailActions draw_detail_pane(const flow::Flow& flow, DetailUi& ui, const UiFonts& fonts) {
  DetailActions actions;
  ImGui::PushFont(fonts.mono);
  ImGui::TextWrapped("%s %s", flow.request.method.c_str(), flow.request.url.c_str());
  ImGui::PopFont();
  if (!flow.replay_of.empty()) ImGui::Text("replay of %s", flow.replay_of.c_str());

  if (!flow.error.empty()) {
    bool passthrough = false;
    const char* hint = hint_for(flow.error, passthrough);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(110, 30, 30, 255));
    ImGui::BeginChild("error", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * (hint ? 3.2f : 2.0f)), true);
    ImGui::TextWrapped("%s", flow.error.c_str());
    if (hint) ImGui::TextWrapped("%s", hint);
    if (passthrough) {
      ImGui::SameLine();
      actions.clear_passthrough = ImGui::SmallButton("Clear passthrough");
    }
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }

  const bool replayable = flow.scheme != "tunnel";
  if (!replayable) ImGui::BeginDisabled();
  actions.replay = ImGui::Button("Replay");
  ImGui::SameLine();
  actions.edit = ImGui::Button("Edit and replay");
  if (!replayable) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Copy as curl")) ImGui::SetClipboardText(copy_as_curl(flow).c_str());
  ImGui::SameLine();
  if (ImGui::Button("Copy as python")) ImGui::SetClipboardText(copy_as_python(flow).c_str());
  ImGui::SameLine();
  if (ImGui::Button("Copy URL")) ImGui::SetClipboardText(flow.request.url.c_str());
  if (flow.response) {
    ImGui::SameLine();
    // Clipboard text stops at a NUL: a binary body is copied only up to its first one.
    if (ImGui::Button("Copy response body"))
      ImGui::SetClipboardText(decode_body(flow.response->body, flow.response->headers).bytes.c_str());
  }

  if (!ImGui::BeginTabBar("detail")) return actions;
  if (tab("Request", "request", ui)) {
    draw_headers(flow.request.headers, fonts);
    draw_body(flow.id, 0, flow.request.body, flow.request.headers, ui, fonts);
    ImGui::EndTabItem();
  }
  if (tab("Response", "response", ui)) {
    if (flow.response) {
      ImGui::Text("%s %d %s", flow.response->http_version.c_str(), flow.response->status,
                  flow.response->reason.c_str());
      draw_headers(flow.response->headers, fonts);
      draw_body(flow.id, 1, flow.response->body, flow.response->headers, ui, fonts);
    } else {
      ImGui::TextUnformatted(flow.error.empty() ? "No response (yet)." : "No response: the exchange failed.");
    }
    ImGui::EndTabItem();
  }
  if (tab("Timing", "timing", ui)) {
    draw_timing(flow);
    ImGui::EndTabItem();
  }
  if (tab("TLS", "tls", ui)) {
    draw_tls(flow);
    ImGui::EndTabItem();
  }
  if (flow.websocket && tab("WebSocket", "websocket", ui)) {
    draw_websocket(*flow.websocket, fonts);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
  return actions;
}

FormChoice draw_edit_form(EditForm& form, const UiFonts& fonts, const char* send_label) {
  FormChoice choice = FormChoice::kNone;
  ImGui::SetNextItemWidth(100);
  input_string("##method", form.method, false, 0);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  input_string("##url", form.url, false, 0);
  ImGui::TextUnformatted("Headers (Name: value per line)");
  ImGui::PushFont(fonts.mono);
  input_string("##headers", form.headers_text, true, ImGui::GetTextLineHeight() * 10);
  ImGui::PopFont();
  ImGui::TextUnformatted(form.body_decoded ? "Body (decoded; sent without Content-Encoding)" : "Body");
  ImGui::PushFont(fonts.mono);
  input_string("##body", form.body, true, std::max(100.0f, ImGui::GetContentRegionAvail().y - 40));
  ImGui::PopFont();
  if (ImGui::Button(send_label)) choice = FormChoice::kSend;
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) choice = FormChoice::kCancel;
  return choice;
}

void draw_diff_view(const flow::Flow& left, const flow::Flow& right, const UiFonts& fonts) {
  // The rows depend only on the two flows; recomputing them (a JSON diff) per frame is waste.
  static std::string cached_key;
  static std::vector<DiffRow> rows;
  // With the response statuses and sizes: a flow still in flight changes under the same id.
  const auto state = [](const flow::Flow& f) {
    return f.id + "/" + (f.response ? std::to_string(f.response->status) + "/" + std::to_string(f.response->body.size) : "-");
  };
  const std::string key = state(left) + "|" + state(right);
  if (key != cached_key || left.id.empty() || right.id.empty()) {
    rows = flow_pair_diff(left, right);
    cached_key = key;
  }
  if (!ImGui::BeginTable("diff", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_Resizable |
                                        ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 180);
  ImGui::TableSetupColumn(left.id.c_str());
  ImGui::TableSetupColumn(right.id.c_str());
  ImGui::TableHeadersRow();
  ImGui::PushFont(fonts.mono);
  for (const DiffRow& row : rows) {
    ImGui::TableNextRow();
    if (row.changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(120, 90, 20, 140));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(row.name.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", row.left.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", row.right.c_str());
  }
  ImGui::PopFont();
  ImGui::EndTable();
}

}  // namespace flowscope::gui
