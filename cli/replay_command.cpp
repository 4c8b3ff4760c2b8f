#include "cli/replay_command.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/proxy_options.hpp"
#include "cli/recording_flags.hpp"
#include "cli/terminal.hpp"
#include "core/compare/replay_report.hpp"
#include "core/engine/replay_batch.hpp"
#include "core/flow/content_decoding.hpp"
#include "core/store/har_writer.hpp"
#include "core/store/store_writer.hpp"

namespace flowscope::cli {

namespace {

struct ReplayOptions {
  std::string file;
  std::optional<std::string> filter;
  std::size_t concurrency = 1;
  bool check = false;
  std::string store;  // -w
  std::string har;    // -o
  CompareFlags compare;
  ProxyOptions proxy;  // only the upstream flags are bound (add_upstream_options)
};

// Where the replays are recorded: -w (appended, as run -w does) and -o (a new HAR).
class ReplayRecorders {
 public:
  // A path that cannot be written is a usage error, found before anything is sent.
  static std::expected<ReplayRecorders, int> open(const ReplayOptions& options) {
    ReplayRecorders recorders;
    if (!options.store.empty()) {
      auto store = store::StoreWriter::open(options.store);
      if (!store) return usage_error(store.error().message);
      recorders.store_ = std::move(*store);
    }
    if (!options.har.empty()) {
      store::HarOptions har_options;
      har_options.decode_content = [](std::string_view body, std::string_view encoding) {
        return flow::decode_content(body, encoding);
      };
      auto har = store::HarWriter::open(options.har, har_options);
      if (!har) return usage_error(har.error().message);
      recorders.har_ = std::move(*har);
    }
    return recorders;
  }

  void add(const flow::Flow& replay) {
    if (store_) store_->on_flow(replay);
    if (har_ && har_failure_.empty()) {
      if (auto added = har_->add(replay); !added) har_failure_ = added.error().message;
    }
  }

  // Finishes both files; false (after saying why) when a replay did not reach one.
  bool finish(const ReplayOptions& options) {
    bool ok = true;
    if (store_) {
      store_->flush();
      const auto lost = store_->dropped() + store_->write_errors();
      if (lost > 0) {
        std::fprintf(stderr, "flowscope: %llu replays were not written to %s\n",
                     static_cast<unsigned long long>(lost), options.store.c_str());
        ok = false;
      }
    }
    if (har_) {
      if (auto finished = har_->finish(); !finished && har_failure_.empty())
        har_failure_ = finished.error().message;
      if (!har_failure_.empty()) {
        std::fprintf(stderr, "flowscope: %s\n", har_failure_.c_str());
        ok = false;
      }
    }
    return ok;
  }

 private:
  static std::unexpected<int> usage_error(const std::string& message) {
    std::fprintf(stderr, "flowscope: %s\n", message.c_str());
    return std::unexpected(2);
  }

  std::unique_ptr<store::StoreWriter> store_;
  std::optional<store::HarWriter> har_;
  std::string har_failure_;
};

// One line per finished replay, or a progress bar redrawn on stderr when it is a terminal.
class ReplayProgress {
 public:
  explicit ReplayProgress(std::size_t total) : total_(total), bar_(is_terminal(stderr)) {}

  void finished(const compare::ReplayComparison& comparison) {
    ++done_;
    if (comparison.changed()) ++changed_;
    if (bar_) {
      std::fprintf(stderr, "\r%s", compare::progress_bar(done_, total_, changed_).c_str());
      std::fflush(stderr);
    } else {
      std::printf("%s\n", compare::replay_line(comparison, total_).c_str());
      std::fflush(stdout);
    }
  }

  void end() {
    if (bar_) std::fprintf(stderr, "\r\x1b[2K");  // the table replaces the bar
  }

 private:
  std::size_t total_;
  bool bar_;
  std::size_t done_ = 0;
  std::size_t changed_ = 0;
};

int replay(ReplayOptions options) {
  auto filter = compile_filter_flag(options.filter);
  if (!filter) return filter.error();
  auto compare_options = compile_compare_flags(options.compare);
  if (!compare_options) return compare_options.error();
  auto originals = read_selected_flows(options.file, *filter);
  if (!originals) return originals.error();
  if (originals->empty()) {
    std::fprintf(stderr, "flowscope: nothing to replay: %s has no flows%s\n", options.file.c_str(),
                 *filter ? " that match --filter" : "");
    return 0;
  }
  auto recorders = ReplayRecorders::open(options);
  if (!recorders) return recorders.error();

  // Nobody connects to this engine: it listens only because the engine always does.
  // https replays need the engine's TLS setup, which comes with interception (the CA
  // is loaded, or created on first use); plain http needs no CA.
  options.proxy.listen = "127.0.0.1:0";
  options.proxy.no_intercept =
      std::none_of(originals->begin(), originals->end(),
                   [](const flow::Flow& f) { return f.request.url.starts_with("https:"); });
  auto engine = start_engine(options.proxy, {});
  if (!engine) return engine.error();

  ReplayProgress progress(originals->size());
  const auto results = engine::replay_all(
      **engine, *originals, options.concurrency,
      [&](std::size_t index, const engine::ReplayResult& result) {
        const flow::Flow* replay = result.replay ? &*result.replay : nullptr;
        if (replay) recorders->add(*replay);
        progress.finished(compare::compare_replay(index, (*originals)[index], replay,
                                                  result.not_sent, *compare_options));
      });
  progress.end();
  (*engine)->stop();
  const bool recorded = recorders->finish(options);

  std::vector<compare::ReplayComparison> comparisons;
  comparisons.reserve(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const flow::Flow* replay = results[i].replay ? &*results[i].replay : nullptr;
    comparisons.push_back(
        compare::compare_replay(i, (*originals)[i], replay, results[i].not_sent, *compare_options));
  }
  compare::ReplayTableOptions table_options;
  table_options.colour = wants_colour(stdout);
  const std::string table = compare::replay_table(comparisons, table_options);
  std::fwrite(table.data(), 1, table.size(), stdout);
  std::fflush(stdout);

  if (!recorded) return 1;
  if (options.check && compare::total(comparisons).changed > 0) return 1;
  return 0;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* replay_app = app.add_subcommand(
      "replay",
      "Send the requests of a recording again and show what changed (no running proxy needed)");
  replay_app
      ->add_option("file", options->file, "Recording: a JSON Lines store (run -w) or a HAR file")
      ->required()
      ->check(CLI::ExistingFile);
  add_filter_flag(*replay_app, options->filter, "Replay only the flows this expression matches");
  replay_app
      ->add_option("--concurrency", options->concurrency,
                   "Requests in flight at once (1: one after another)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  replay_app->add_flag(
      "--check", options->check,
      "Exit 1 when a replay's status or response body differs from its original (after the "
      "ignores); for CI");
  replay_app->add_option(
      "-w,--write", options->store,
      "Append the replays to this JSON Lines store, each with replay_of = its original's id");
  replay_app->add_option("-o,--har", options->har, "Write the replays to this HAR file");
  add_compare_flags(*replay_app, options->compare);
  add_upstream_options(*replay_app, options->proxy);
  replay_app->callback([options, &exit_code] { exit_code = replay(*options); });
}

}  // namespace flowscope::cli
