// The Java client that test_record_java.py runs under `flowscope record` (as `java
// RecordJavaClient.java PLAIN_BASE TLS_BASE LOCALHOST_BASE`, a single-file program): HttpURLConnection and
// HttpsURLConnection, and java.net.http.HttpClient, against a plain and a TLS loopback origin.
// It sets no proxy and no trust store itself: JAVA_TOOL_OPTIONS from record does that.
// Prints one line per request (and one with a property the test sets in JAVA_TOOL_OPTIONS): NAME<TAB>STATUS<TAB>BODY, and exits 1 on the first failure.
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

public class RecordJavaClient {
  static void print(String name, int status, String body) {
    System.out.println(name + "\t" + status + "\t" + body);
  }

  static String read(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static void urlConnection(String name, String url, String postBody) throws Exception {
    HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
    if (postBody != null) {
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "text/plain");
      try (OutputStream out = connection.getOutputStream()) {
        out.write(postBody.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = connection.getResponseCode();
    try (InputStream in = connection.getInputStream()) {
      print(name, status, read(in));
    }
  }

  public static void main(String[] args) throws Exception {
    String plain = args[0];
    String tls = args[1];
    urlConnection("urlconnection-plain", plain + "/hello?client=urlconnection", null);
    urlConnection("urlconnection-tls", tls + "/hello?client=urlconnection", null);
    urlConnection("urlconnection-tls-post", tls + "/echo?client=urlconnection-post", "posted by HttpsURLConnection");

    HttpClient client = HttpClient.newHttpClient();
    String[][] gets = {{"httpclient-plain", plain + "/hello?client=httpclient"},
                       {"httpclient-tls", tls + "/hello?client=httpclient"}};
    for (String[] get : gets) {
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(URI.create(get[1])).build(), HttpResponse.BodyHandlers.ofString());
      print(get[0], response.statusCode(), response.body());
    }
    HttpRequest post = HttpRequest.newBuilder(URI.create(tls + "/echo?client=httpclient-post"))
                           .header("Content-Type", "text/plain")
                           .POST(HttpRequest.BodyPublishers.ofString("posted by HttpClient"))
                           .build();
    HttpResponse<String> posted = client.send(post, HttpResponse.BodyHandlers.ofString());
    print("httpclient-tls-post", posted.statusCode(), posted.body());

    // LOCALHOST_BASE is the plain origin by the name localhost, which the test lists in NO_PROXY.
    urlConnection("urlconnection-localhost", args[2] + "/hello?client=urlconnection-localhost", null);
    print("user-property", 0, String.valueOf(System.getProperty("flowscope.e2e.user")));
  }
}
