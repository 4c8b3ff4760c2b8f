#pragma once
// What server replay did with each request, one line each as `serve` and `record
// --replay` print it, and the totals they print when they stop.
#include <cstddef>
#include <string>
#include <vector>

namespace flowscope::server_replay {

struct Outcome {
  enum class Kind {
    kServed,         // answered from the recording
    kUnmatched,      // answered 502: nothing recorded matches
    kPassedThrough,  // nothing recorded matches; --passthrough sent it to the origin
    // Its body outgrew the body limit while held (chunked, no Content-Length to tell
    // in advance), so the proxy sent it to the origin before it could be matched.
    kTooLongToMatch,
  };
  Kind kind = Kind::kServed;
  std::string client_address;
  std::string method;
  std::string url;
  int status = 0;              // the status sent (served, unmatched); 0 when the origin answers
  std::string recorded_id;     // served: the recorded flow
  std::size_t occurrence = 0;  // served: which of the request's recorded responses, 1-based
  std::size_t recorded = 0;    // served: how many it has
};

// "127.0.0.1:5000 GET http://x/a 200 served (recorded 3-1, 1 of 2)"
// "127.0.0.1:5000 POST http://x/b 502 unmatched"
// "127.0.0.1:5000 GET http://x/c unmatched, passed to the origin"
// "127.0.0.1:5000 POST http://x/d body over --body-limit, sent to the origin unmatched"
std::string outcome_line(const Outcome& outcome);

struct Tally {
  std::size_t served = 0;
  std::size_t unmatched = 0;
  std::size_t passed_through = 0;  // kPassedThrough and kTooLongToMatch
  // "METHOD URL" of every request without a recorded answer (unmatched, passed
  // through, too long), each once, in the order first seen, with how often it came.
  struct Miss {
    std::string request;
    std::size_t times = 0;
  };
  std::vector<Miss> misses;

  void add(const Outcome& outcome);
};

// The closing lines: the totals, each request without an answer, and the recorded
// requests nobody asked for (at most `listed` of each list, then "… and N more").
std::vector<std::string> summary_lines(const Tally& tally, const std::vector<std::string>& never_asked,
                                       std::size_t listed = 20);

}  // namespace flowscope::server_replay
