#include "core/proxy/ca_page.hpp"

#include "core/http/target.hpp"

namespace flowscope::proxy {

namespace {

const char* const kPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>flowscope CA</title>
<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.5}
code{background:#eee;padding:0 .3em}a.b{display:inline-block;margin:.3em;padding:.5em 1em;background:#246;color:#fff;
text-decoration:none;border-radius:4px}</style></head><body>
<h1>flowscope certificate authority</h1>
<p>Traffic through this proxy is decrypted with certificates signed by this CA. Install it only on
devices you debug, and remove it when you are done.</p>
<p>SHA-256 fingerprint: <code>@FINGERPRINT@</code></p>
<p><a class="b" href="/ca.pem">ca.pem</a><a class="b" href="/ca.der">ca.der</a><a class="b" href="/ca.p12">ca.p12</a></p>
<h2>Linux (Debian, Ubuntu)</h2>
<p><code>sudo cp ca.pem /usr/local/share/ca-certificates/flowscope.crt &amp;&amp; sudo update-ca-certificates</code>;
Chromium and Firefox: <code>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n flowscope -i ca.pem</code>.</p>
<h2>macOS</h2>
<p><code>sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ca.pem</code></p>
<h2>Windows</h2>
<p><code>certutil -addstore Root ca.der</code> in an administrator prompt.</p>
<h2>Android</h2>
<p>Download <a href="/ca.der">ca.der</a>, then Settings, Security, Encryption &amp; credentials, Install a
certificate, CA certificate. Apps trust user CAs only when they opt in.</p>
<h2>iOS</h2>
<p>Open <a href="/ca.pem">ca.pem</a> in Safari, install the profile (Settings, General, VPN &amp; Device
Management), then enable full trust in Settings, General, About, Certificate Trust Settings.</p>
</body></html>
)";

CaPageAnswer file(std::string content_type, std::string filename, const std::string& body) {
  CaPageAnswer answer;
  answer.headers.add("Content-Type", std::move(content_type));
  answer.headers.add("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  answer.body = body;
  return answer;
}

}  // namespace

CaPageAnswer answer_ca_page(const CaDownloads& downloads, std::string_view path) {
  path = path.substr(0, path.find('?'));
  if (path == "/ca.pem" || path == "/cert/pem") return file("application/x-pem-file", "flowscope-ca.pem", downloads.pem);
  if (path == "/ca.der" || path == "/cert/cer") {
    return file("application/x-x509-ca-cert", "flowscope-ca.der", downloads.der);
  }
  if (path == "/ca.p12" || path == "/cert/p12") return file("application/x-pkcs12", "flowscope-ca.p12", downloads.p12);
  CaPageAnswer answer;
  if (path != "/" && path != "/index.html") {
    answer.status = 404;
    answer.headers.add("Content-Type", "text/plain; charset=utf-8");
    answer.body = "no such file on cert.flowscope: try / for the page\n";
    return answer;
  }
  answer.headers.add("Content-Type", "text/html; charset=utf-8");
  answer.body = kPage;
  const std::string marker = "@FINGERPRINT@";
  answer.body.replace(answer.body.find(marker), marker.size(), downloads.fingerprint_sha256);
  return answer;
}

HookAnswer CaPageHook::on_hook(HookPoint point, flow::Flow& flow) {
  if (point != HookPoint::kRequestHead || flow.scheme != "http") return HookAnswer::proceed();
  auto url = http::parse_absolute_url(flow.request.url);
  if (!url || !http::iequals(url->authority.host, kCaPageHost)) return HookAnswer::proceed();
  return HookAnswer::answer(answer_ca_page(*downloads_, url->path_and_query));
}

}  // namespace flowscope::proxy
