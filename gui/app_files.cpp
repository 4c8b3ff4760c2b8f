// What the App writes to disk: HAR exports, a store of what is listed, and the UI
// state dump that tests read.
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/flow/content_decoding.hpp"
#include "core/store/har_writer.hpp"
#include "core/store/store_writer.hpp"
#include "gui/app.hpp"

namespace flowscope::gui {

namespace {

// Every listed flow, or the marked ones, in arrival order.
std::vector<const flow::Flow*> flows_to_write(FlowList& flows, const std::vector<std::string>& marked, bool marked_only) {
  std::vector<const flow::Flow*> out;
  if (marked_only) {
    for (const std::string& id : marked) {
      if (const flow::Flow* flow = flows.find(id)) out.push_back(flow);
    }
    return out;
  }
  for (std::size_t index = 0; index < flows.size(); ++index) out.push_back(&flows.flow_at(index));
  return out;
}

}  // namespace

Result<void> App::export_har(const std::filesystem::path& path, bool marked_only) {
  store::HarOptions options;
  options.decode_content = [](std::string_view body, std::string_view encoding) {
    return flow::decode_content(body, encoding);
  };
  auto writer = store::HarWriter::open(path, options);
  if (!writer) return std::unexpected(writer.error());
  for (const flow::Flow* flow : flows_to_write(flows_, table_ui_.marked, marked_only)) {
    if (auto added = writer->add(*flow); !added) return added;
  }
  if (auto finished = writer->finish(); !finished) return finished;
  report("exported " + std::to_string(writer->entry_count()) + " flows to " + path.string());
  return {};
}

Result<void> App::save_store(const std::filesystem::path& path) {
  // StoreWriter appends; "save as" means this file holds exactly what is listed.
  std::error_code ec;
  std::filesystem::remove(path, ec);
  store::StoreOptions options;
  options.fsync = store::FsyncMode::kNever;
  const auto flows = flows_to_write(flows_, table_ui_.marked, false);
  // Its queue bounds protect a proxy from a slow disk; here every flow must be kept.
  options.queue_capacity = flows.size() + 1;
  options.queue_byte_capacity = std::numeric_limits<std::size_t>::max();
  auto writer = store::StoreWriter::open(path, options);
  if (!writer) return std::unexpected(writer.error());
  for (const flow::Flow* flow : flows) (*writer)->on_flow(*flow);
  (*writer)->flush();
  if ((*writer)->dropped() > 0 || (*writer)->write_errors() > 0) {
    return fail("could not write every flow to " + path.string() + ": " + std::to_string((*writer)->dropped()) +
                " dropped, " + std::to_string((*writer)->write_errors()) + " write errors");
  }
  report("saved " + std::to_string(flows.size()) + " flows to " + path.string());
  return {};
}

Result<void> App::write_state(const std::filesystem::path& path) {
  nlohmann::ordered_json state;
  state["listen"] = parts_.engine != nullptr ? parts_.engine->listen_address() : "";
  state["start_error"] = parts_.start_error;
  state["flows"] = flows_.size();
  state["visible"] = flows_.visible().size();
  state["rows_drawn"] = table_ui_.rows_drawn;
  state["selected"] = table_ui_.selected_id;
  state["tab"] = detail_ui_.tab;
  state["filter"] = flows_.filter();
  state["filter_error"] = filter_problem_ ? filter_problem_->message : "";
  state["paused"] = parts_.paused->size();
  state["loading"] = loading();
  auto& rows = state["rows"] = nlohmann::ordered_json::array();
  for (std::size_t index : flows_.visible()) {
    const FlowRow& row = flows_.row(index);
    rows.push_back({{"number", row.number},
                    {"id", row.id},
                    {"method", row.method},
                    {"host", row.host},
                    {"path", row.path},
                    {"status", row.status},
                    {"replay_of", row.replay_of},
                    {"error", row.error}});
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  // Paths and errors come from the wire: bytes that are not UTF-8 must not abort the dump.
  out << state.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  if (!out) return fail("cannot write the state to " + path.string());
  return {};
}

}  // namespace flowscope::gui
