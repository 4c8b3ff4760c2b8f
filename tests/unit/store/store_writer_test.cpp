#include "core/store/store_writer.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <set>
#include <thread>

#include "core/flow/json_line_writer.hpp"
#include "core/store/store_reader.hpp"
#include "tests/unit/flow/flow_test_support.hpp"

namespace flowscope::store {
namespace {

using flow::testing::expect_same_flow;
using flow::testing::small_flow;
using flow::testing::TempDir;
using flow::testing::write_file;

std::vector<flow::Flow> read_all(const std::filesystem::path& path) {
  std::vector<flow::Flow> flows;
  auto reader = StoreReader::open(path);
  EXPECT_TRUE(reader) << reader.error().message;
  if (!reader) return flows;
  EXPECT_TRUE(reader->warnings().empty());
  auto walked = reader->for_each([&](std::size_t index, Result<flow::Flow> flow) {
    EXPECT_TRUE(flow) << index << ": " << flow.error().message;
    if (flow) flows.push_back(std::move(*flow));
    return true;
  });
  EXPECT_TRUE(walked);
  return flows;
}

// Both places a flow can be serialised: on the writer thread and on the caller's.
class StoreWriterModes : public ::testing::TestWithParam<bool> {
 protected:
  StoreOptions options(FsyncMode fsync = FsyncMode::kNever) const {
    StoreOptions o;
    o.fsync = fsync;
    o.serialize_on_writer = GetParam();
    return o;
  }
};

TEST_P(StoreWriterModes, WritesFlowsThatReadBack) {
  TempDir dir;
  auto writer = StoreWriter::open(dir / "flows.jsonl", options(FsyncMode::kEvery));
  ASSERT_TRUE(writer) << writer.error().message;
  for (std::uint64_t i = 1; i <= 10; ++i) (*writer)->on_flow(small_flow(i));
  (*writer)->flush();
  EXPECT_EQ((*writer)->written(), 10u);
  EXPECT_EQ((*writer)->dropped(), 0u);
  EXPECT_EQ((*writer)->write_errors(), 0u);
  auto flows = read_all(dir / "flows.jsonl");
  ASSERT_EQ(flows.size(), 10u);
  for (std::uint64_t i = 0; i < 10; ++i) expect_same_flow(small_flow(i + 1), flows[i]);
  EXPECT_EQ(std::filesystem::status(dir / "flows.jsonl").permissions() &
                std::filesystem::perms::others_write,
            std::filesystem::perms::none);
}

TEST_P(StoreWriterModes, ConcurrentProducers) {
  TempDir dir;
  auto writer = StoreWriter::open(dir / "flows.jsonl", options(FsyncMode::kInterval));
  ASSERT_TRUE(writer) << writer.error().message;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        flow::Flow f = small_flow(static_cast<std::uint64_t>(i));
        f.id = std::to_string(t) + "-" + std::to_string(i);
        (*writer)->on_flow(f);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  (*writer)->flush();
  EXPECT_EQ((*writer)->written(), static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ((*writer)->dropped(), 0u) << "the default queue holds 65536 flows";
  auto flows = read_all(dir / "flows.jsonl");
  ASSERT_EQ(flows.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::string> ids;
  for (const flow::Flow& f : flows) ids.insert(f.id);
  EXPECT_EQ(ids.size(), flows.size()) << "every flow exactly once";
}

TEST_P(StoreWriterModes, TinyQueueCountsEveryFlowOnce) {
  TempDir dir;
  StoreOptions o = options();
  o.queue_capacity = 1;
  auto writer = StoreWriter::open(dir / "flows.jsonl", o);
  ASSERT_TRUE(writer);
  constexpr std::uint64_t kTotal = 20000;
  for (std::uint64_t i = 0; i < kTotal; ++i) (*writer)->on_flow(small_flow(i));
  (*writer)->flush();
  EXPECT_EQ((*writer)->written() + (*writer)->dropped(), kTotal);
  EXPECT_EQ(read_all(dir / "flows.jsonl").size(), (*writer)->written());
}

INSTANTIATE_TEST_SUITE_P(SerializeOn, StoreWriterModes, ::testing::Values(true, false),
                         [](const auto& info) {
                           return info.param ? "WriterThread" : "CallerThread";
                         });

// A FIFO nobody reads stalls the writer thread inside write(), like a disk that has
// stopped answering; the queue then fills and further flows are dropped, exactly.
TEST(StoreWriter, FullQueueDropsInsteadOfBlocking) {
  TempDir dir;
  auto fifo = dir / "stalled.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int reader_fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader_fd, 0);
  StoreOptions o;
  o.queue_capacity = 3;
  o.fsync = FsyncMode::kEvery;  // a FIFO cannot sync; that must not count as an error
  auto writer = StoreWriter::open(fifo, o);
  ASSERT_TRUE(writer) << writer.error().message;

  flow::Flow big = small_flow(0);
  big.response->body.data = std::string(1 << 20, 'x');  // far more than a pipe holds
  (*writer)->on_flow(big);
  for (std::uint64_t i = 1; i <= 100; ++i) (*writer)->on_flow(small_flow(i));
  // The first flow is stuck in write(); two more fit in the queue.
  EXPECT_EQ((*writer)->dropped(), 98u);
  EXPECT_EQ((*writer)->written(), 0u);

  // Drain the FIFO so the writer can finish.
  std::string received;
  std::thread drain([&] {
    ::fcntl(reader_fd, F_SETFL, 0);  // blocking reads from here on
    char buf[65536];
    ssize_t n;
    while ((n = ::read(reader_fd, buf, sizeof buf)) > 0)
      received.append(buf, static_cast<std::size_t>(n));
  });
  (*writer)->flush();
  writer->reset();  // closes the write end: the drain thread sees EOF
  drain.join();
  ::close(reader_fd);
  EXPECT_EQ(std::count(received.begin(), received.end(), '\n'), 3);
  EXPECT_EQ(received.substr(0, flow::to_json_line(big).size()), flow::to_json_line(big));
}

// Large bodies fill the byte bound long before the flow count.
TEST(StoreWriter, ByteBoundDropsLargeFlowsButAdmitsOneIntoAnEmptyQueue) {
  TempDir dir;
  auto fifo = dir / "stalled.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int reader_fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader_fd, 0);
  StoreOptions o;
  o.queue_capacity = 10;
  o.queue_byte_capacity = 1536 * 1024;
  auto writer = StoreWriter::open(fifo, o);
  ASSERT_TRUE(writer) << writer.error().message;
  flow::Flow big = small_flow(0);
  big.response->body.data = std::string(2 << 20, 'x');  // larger than the whole bound
  (*writer)->on_flow(big);                              // admitted: the queue was empty
  // While it is stuck in write(), the bound is spent: even small flows are dropped,
  // though the count bound (10) has room.
  (*writer)->on_flow(big);
  for (std::uint64_t i = 1; i <= 20; ++i) (*writer)->on_flow(small_flow(i));
  EXPECT_EQ((*writer)->dropped(), 21u);

  std::thread drain([&] {
    ::fcntl(reader_fd, F_SETFL, 0);
    char buf[65536];
    while (::read(reader_fd, buf, sizeof buf) > 0) {
    }
  });
  (*writer)->flush();
  EXPECT_EQ((*writer)->written(), 1u);
  writer->reset();
  drain.join();
  ::close(reader_fd);
}

TEST(StoreWriter, RefusesAFifoNobodyReads) {
  TempDir dir;
  auto fifo = dir / "unread.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto writer = StoreWriter::open(fifo);
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().message.find("nobody is reading"), std::string::npos)
      << writer.error().message;
}

TEST(StoreWriter, DiskFullIsCountedNotFatal) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  StoreOptions o;
  o.fsync = FsyncMode::kEvery;
  auto writer = StoreWriter::open("/dev/full", o);
  ASSERT_TRUE(writer) << writer.error().message;
  for (std::uint64_t i = 0; i < 50; ++i) (*writer)->on_flow(small_flow(i));
  (*writer)->flush();
  EXPECT_EQ((*writer)->written(), 0u);
  EXPECT_EQ((*writer)->write_errors(), 50u);
  EXPECT_EQ((*writer)->dropped(), 0u);
}

// RLIMIT_FSIZE makes write() stop in the middle of a line, as a filling disk does:
// the fragment must end up as one bad line, with the flows after it intact.
TEST(StoreWriter, WriteCutMidLineLeavesOneBadLine) {
  TempDir dir;
  const auto path = dir / "flows.jsonl";
  StoreOptions o;
  o.fsync = FsyncMode::kNever;
  auto writer = StoreWriter::open(path, o);
  ASSERT_TRUE(writer);
  const std::size_t line = flow::to_json_line(small_flow(1)).size();

  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);  // else the process is killed
  struct rlimit cut = saved;
  cut.rlim_cur = line + line / 2;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &cut), 0);
  for (std::uint64_t i = 1; i <= 3; ++i) (*writer)->on_flow(small_flow(i));
  while ((*writer)->written() + (*writer)->write_errors() < 3) std::this_thread::yield();
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, saved_handler);

  (*writer)->on_flow(small_flow(4));
  (*writer)->flush();
  EXPECT_EQ((*writer)->written(), 2u);
  EXPECT_EQ((*writer)->write_errors(), 2u);
  auto reader = StoreReader::open(path);
  ASSERT_TRUE(reader);
  EXPECT_TRUE(reader->warnings().empty());
  ASSERT_EQ(reader->size(), 3u);
  EXPECT_EQ(reader->read(0)->id, "7-1");
  EXPECT_FALSE(reader->read(1)) << "half of flow 2";
  EXPECT_EQ(reader->read(2)->id, "7-4");
}

TEST(StoreWriter, RefusesADirectoryAndAMissingParent) {
  TempDir dir;
  auto directory = StoreWriter::open(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message.find("is a directory: pass a file path such as"),
            std::string::npos)
      << directory.error().message;
  auto missing = StoreWriter::open(dir / "no/such/dir/flows.jsonl");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos)
      << missing.error().message;
  StoreOptions zero;
  zero.queue_capacity = 0;
  EXPECT_FALSE(StoreWriter::open(dir / "flows.jsonl", zero));
}

TEST(StoreWriter, AppendsAndStartsAfterATornLineOnANewLine) {
  TempDir dir;
  std::string torn = flow::to_json_line(small_flow(1));
  torn.resize(40);
  write_file(dir / "flows.jsonl", flow::to_json_line(small_flow(0)) + torn);
  {
    auto writer = StoreWriter::open(dir / "flows.jsonl");
    ASSERT_TRUE(writer);
    (*writer)->on_flow(small_flow(2));
    (*writer)->on_flow(small_flow(3));
  }  // the destructor flushes
  auto reader = StoreReader::open(dir / "flows.jsonl");
  ASSERT_TRUE(reader);
  EXPECT_TRUE(reader->warnings().empty());
  ASSERT_EQ(reader->size(), 4u);
  EXPECT_EQ(reader->read(0)->id, "7-0");
  EXPECT_FALSE(reader->read(1)) << "the old fragment stays one unreadable line";
  EXPECT_EQ(reader->read(2)->id, "7-2");
  EXPECT_EQ(reader->read(3)->id, "7-3");
}

TEST(StoreWriter, FlowsAfterFlushAreDropped) {
  TempDir dir;
  auto writer = StoreWriter::open(dir / "flows.jsonl");
  ASSERT_TRUE(writer);
  (*writer)->on_flow(small_flow(1));
  (*writer)->flush();
  (*writer)->flush();  // idempotent
  (*writer)->on_flow(small_flow(2));
  EXPECT_EQ((*writer)->written(), 1u);
  EXPECT_EQ((*writer)->dropped(), 1u);
}

TEST(StoreWriter, IntervalSyncRunsWhileIdle) {
  TempDir dir;
  StoreOptions o;
  o.fsync = FsyncMode::kInterval;
  o.fsync_interval = std::chrono::milliseconds(1);
  auto writer = StoreWriter::open(dir / "flows.jsonl", o);
  ASSERT_TRUE(writer);
  for (std::uint64_t i = 0; i < 100; ++i) (*writer)->on_flow(small_flow(i));
  (*writer)->flush();
  EXPECT_EQ((*writer)->written(), 100u);
  EXPECT_EQ((*writer)->write_errors(), 0u);
}

}  // namespace
}  // namespace flowscope::store
