#include "gui/model/edit_form.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

namespace flowscope::gui {
namespace {

flow::Flow original() {
  flow::Flow flow;
  flow.id = "f1";
  flow.scheme = "https";
  flow.request.method = "POST";
  flow.request.url = "https://api.example/items";
  flow.request.http_version = "HTTP/1.1";
  flow.request.headers.add("Host", "api.example");
  flow.request.headers.add("Content-Length", "2");
  flow.request.body.data = "{}";
  flow.request.body.size = 2;
  flow.response = flow::Response{};
  flow.response->status = 200;
  flow.response->reason = "OK";
  flow.timings.wait = 12;
  flow.error = "";
  return flow;
}

TEST(EditForm, FormShowsTheRequest) {
  EditForm form = edit_form_from(original());
  EXPECT_EQ(form.method, "POST");
  EXPECT_EQ(form.url, "https://api.example/items");
  EXPECT_EQ(form.headers_text, "Host: api.example\nContent-Length: 2\n");
  EXPECT_EQ(form.body, "{}");
  EXPECT_FALSE(form.body_decoded);
}

TEST(EditForm, ValidFormReplacesTheRequestAndRecomputesTheLength) {
  EditForm form = edit_form_from(original());
  form.method = "PUT";
  form.url = "https://api.example/items/7";
  form.headers_text += "\nX-Added:  yes  \n";
  form.body = "{\"name\": \"new\"}";
  auto edited = request_from_form(form, original());
  ASSERT_TRUE(edited) << edited.error().message;
  EXPECT_EQ(edited->id, "f1");
  EXPECT_EQ(edited->request.method, "PUT");
  EXPECT_EQ(edited->request.url, "https://api.example/items/7");
  EXPECT_EQ(*edited->request.headers.find("X-Added"), "yes");
  EXPECT_EQ(*edited->request.headers.find("Content-Length"), std::to_string(form.body.size()));
  EXPECT_EQ(edited->request.headers.find_all("Content-Length").size(), 1u);
  EXPECT_EQ(edited->request.body.data, form.body);
  EXPECT_EQ(edited->request.body.size, form.body.size());
  EXPECT_FALSE(edited->response);
  EXPECT_EQ(edited->timings.wait, -1);
}

TEST(EditForm, RejectsABadMethod) {
  EditForm form = edit_form_from(original());
  form.method = "GE T";
  auto edited = request_from_form(form, original());
  ASSERT_FALSE(edited);
  EXPECT_NE(edited.error().message.find("method"), std::string::npos);
  form.method = "";
  EXPECT_FALSE(request_from_form(form, original()));
}

TEST(EditForm, RejectsARelativeOrHostlessUrl) {
  EditForm form = edit_form_from(original());
  for (const char* url : {"/items", "ftp://x/", "https:///path", "http://:80/", "https://a b/"}) {
    form.url = url;
    auto edited = request_from_form(form, original());
    EXPECT_FALSE(edited) << url;
  }
  form.url = "http://user@host:8080/p?q#f";
  EXPECT_TRUE(request_from_form(form, original()));
}

TEST(EditForm, BadHeaderLineIsNamed) {
  EditForm form = edit_form_from(original());
  form.headers_text = "Host: api.example\n\nno colon here\n";
  auto edited = request_from_form(form, original());
  ASSERT_FALSE(edited);
  EXPECT_NE(edited.error().message.find("header line 3"), std::string::npos) << edited.error().message;
  form.headers_text = "Bad Name: x\n";
  edited = request_from_form(form, original());
  ASSERT_FALSE(edited);
  EXPECT_NE(edited.error().message.find("header line 1"), std::string::npos);
}

TEST(EditForm, DecodedBodyIsSentWithoutItsContentEncoding) {
  flow::Flow flow = original();
  const std::string text = "hello hello hello";
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string gz(256, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(gz.data());
  z.avail_out = static_cast<uInt>(gz.size());
  ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  gz.resize(z.total_out);
  deflateEnd(&z);
  flow.request.headers.add("Content-Encoding", "gzip");
  flow.request.body.data = gz;
  flow.request.body.size = gz.size();

  EditForm form = edit_form_from(flow);
  EXPECT_TRUE(form.body_decoded);
  EXPECT_EQ(form.body, text);
  auto edited = request_from_form(form, flow);
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->request.headers.find("Content-Encoding"), nullptr);
  EXPECT_EQ(edited->request.body.data, text);
  EXPECT_EQ(*edited->request.headers.find("Content-Length"), std::to_string(text.size()));
}

TEST(EditForm, ResponseFormRoundTrips) {
  ResponseForm form = response_form_from(original());
  EXPECT_EQ(form.status, "200 OK");
  form.status = "418 I'm a teapot";
  form.headers_text = "Content-Type: text/plain\n";
  form.body = "short and stout";
  auto edited = response_from_form(form, original());
  ASSERT_TRUE(edited) << edited.error().message;
  EXPECT_EQ(edited->response->status, 418);
  EXPECT_EQ(edited->response->reason, "I'm a teapot");
  EXPECT_EQ(*edited->response->headers.find("Content-Length"), "15");
  EXPECT_EQ(edited->request.body.data, "{}");  // the request is untouched
  form.status = "OK";
  EXPECT_FALSE(response_from_form(form, original()));
  form.status = "2000";
  EXPECT_FALSE(response_from_form(form, original()));
}

}  // namespace
}  // namespace flowscope::gui
