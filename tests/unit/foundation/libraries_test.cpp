// Proves that each third-party library is wired into the build and callable.
#include <gtest/gtest.h>
#include <llhttp.h>
#include <nlohmann/json.hpp>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <uv.h>

#include <memory>
#include <string>

namespace {

TEST(Libraries, LlhttpParsesARequest) {
  llhttp_settings_t settings;
  llhttp_settings_init(&settings);
  settings.on_url = [](llhttp_t* parser, const char* at, size_t length) {
    static_cast<std::string*>(parser->data)->append(at, length);
    return 0;
  };
  llhttp_t parser;
  llhttp_init(&parser, HTTP_REQUEST, &settings);
  std::string url;
  parser.data = &url;
  const std::string request = "GET /hello?x=1 HTTP/1.1\r\nHost: example.test\r\n\r\n";
  ASSERT_EQ(llhttp_execute(&parser, request.data(), request.size()), HPE_OK);
  EXPECT_EQ(url, "/hello?x=1");
  EXPECT_EQ(llhttp_get_method(&parser), HTTP_GET);
}

TEST(Libraries, OpensslGeneratesAnEcKey) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 256);
}

TEST(Libraries, LibuvRunsATimer) {
  uv_loop_t loop;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  uv_timer_t timer;
  uv_timer_init(&loop, &timer);
  int fired = 0;
  timer.data = &fired;
  uv_timer_start(&timer, [](uv_timer_t* t) { ++*static_cast<int*>(t->data); }, 1, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

TEST(Libraries, NlohmannJsonRoundTrips) {
  const nlohmann::json original = {{"method", "GET"}, {"status", 200}, {"headers", {{"a", "b"}}}};
  const auto parsed = nlohmann::json::parse(original.dump());
  EXPECT_EQ(parsed, original);
  EXPECT_EQ(parsed["status"].get<int>(), 200);
}

}  // namespace
