#include "gui/model/breakpoints.hpp"

#include <gtest/gtest.h>

namespace flowscope::gui {
namespace {

flow::Flow post_to(const std::string& url) {
  flow::Flow flow;
  flow.id = "f";
  flow.request.method = "POST";
  flow.request.url = url;
  return flow;
}

TEST(Breakpoints, AddRemoveAndEnableEditTheList) {
  Breakpoints breakpoints;
  EXPECT_EQ(breakpoints.add("~m POST", BreakOn::kRequest), std::nullopt);
  EXPECT_EQ(breakpoints.add("~c 500", BreakOn::kResponse), std::nullopt);
  auto list = breakpoints.list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].expression, "~m POST");
  EXPECT_EQ(list[0].on, BreakOn::kRequest);
  EXPECT_TRUE(list[0].enabled);
  EXPECT_EQ(list[1].on, BreakOn::kResponse);

  breakpoints.set_enabled(1, false);
  EXPECT_FALSE(breakpoints.list()[1].enabled);
  breakpoints.remove(0);
  breakpoints.remove(7);  // a stale index does nothing
  list = breakpoints.list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].expression, "~c 500");
  EXPECT_FALSE(list[0].enabled);
}

TEST(Breakpoints, ABadExpressionIsNotAddedAndSaysWhy) {
  Breakpoints breakpoints;
  auto error = breakpoints.add("~m", BreakOn::kRequest);
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("~m"), std::string::npos) << *error;
  EXPECT_NE(error->find('^'), std::string::npos) << "the caret line is part of the message: " << *error;
  EXPECT_TRUE(breakpoints.list().empty());
}

TEST(Breakpoints, EachSideMatchesOnlyItsBreakpoints) {
  flow::Flow flow = post_to("http://example.test/a");
  {
    Breakpoints breakpoints;
    breakpoints.add("~m POST", BreakOn::kRequest);
    EXPECT_TRUE(breakpoints.matches_request(flow));
    EXPECT_FALSE(breakpoints.matches_response(flow));
  }
  {
    Breakpoints breakpoints;
    breakpoints.add("~m POST", BreakOn::kResponse);
    EXPECT_FALSE(breakpoints.matches_request(flow));
    EXPECT_TRUE(breakpoints.matches_response(flow));
  }
  {
    Breakpoints breakpoints;
    breakpoints.add("~m POST", BreakOn::kBoth);
    EXPECT_TRUE(breakpoints.matches_request(flow));
    EXPECT_TRUE(breakpoints.matches_response(flow));
    flow::Flow get = flow;
    get.request.method = "GET";
    EXPECT_FALSE(breakpoints.matches_request(get));
    EXPECT_FALSE(breakpoints.matches_response(get));
  }
}

TEST(Breakpoints, NothingMatchesWhenDisabledOrEmpty) {
  flow::Flow flow = post_to("http://example.test/a");
  Breakpoints breakpoints;
  EXPECT_FALSE(breakpoints.matches_request(flow));
  EXPECT_FALSE(breakpoints.matches_response(flow));
  breakpoints.add("~m POST", BreakOn::kBoth);
  breakpoints.set_enabled(0, false);
  EXPECT_FALSE(breakpoints.matches_request(flow));
  EXPECT_FALSE(breakpoints.matches_response(flow));
  breakpoints.set_enabled(0, true);
  EXPECT_TRUE(breakpoints.matches_request(flow));
}

TEST(Breakpoints, BodyTermsAskForTheWholeMessageOnTheirSideOnly) {
  Breakpoints breakpoints;
  breakpoints.add("~m POST", BreakOn::kBoth);
  EXPECT_FALSE(breakpoints.request_needs_body());
  breakpoints.add("~bq secret", BreakOn::kRequest);
  EXPECT_TRUE(breakpoints.request_needs_body());
  EXPECT_FALSE(breakpoints.response_needs_body());
  breakpoints.set_enabled(1, false);
  EXPECT_FALSE(breakpoints.request_needs_body());
}

}  // namespace
}  // namespace flowscope::gui
