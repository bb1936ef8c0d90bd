// Transport security of `tillit serve`: HTTPS from the configured certificate (TLS 1.2 and later only), a new
// certificate taken on SIGHUP without a restart, HSTS, and the refusal to serve plain HTTP beyond loopback.
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/server.h"

namespace tillit::testing {
namespace {

using ::testing::HasSubstr;

// A self-signed certificate for 127.0.0.1, made with the openssl command.
void MakeCertificate(const std::string& cert, const std::string& key, const std::string& name) {
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=" + name +
                          "' -addext 'subjectAltName=IP:127.0.0.1' -keyout '" + key + "' -out '" + cert +
                          "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

struct TlsAnswer {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string hsts;
};

size_t Ignore(char*, size_t size, size_t count, void*) { return size * count; }
size_t Header(char* data, size_t size, size_t count, void* user) {
  std::string line(data, size * count);
  if (line.rfind("Strict-Transport-Security:", 0) == 0) *static_cast<std::string*>(user) = line;
  return size * count;
}

// GET `url` trusting only `ca`; `max_tls` caps the version the client offers (0: no cap).
TlsAnswer Get(const std::string& url, const std::string& ca, long max_tls = 0) {
  TlsAnswer a;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  if (max_tls != 0) curl_easy_setopt(curl, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_0 | max_tls);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Ignore);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a.hsts);
  a.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
  curl_easy_cleanup(curl);
  return a;
}

class TlsTest : public ::testing::Test {
 protected:
  // The minime configuration with `server` lines added to its [server] table (it has none of its own).
  std::string ConfigWith(const std::string& server_lines) {
    const std::string path = dir_ / "tillit.toml";
    WriteFile(path, ReadFile(ExampleConfig("minime")) + "\n[server]\n" + server_lines);
    return path;
  }

  TempDir dir_;
};

TEST_F(TlsTest, ServesHttpsAndTakesANewCertificateOnSighup) {
  const std::string cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  const std::string cert2 = dir_ / "cert2.pem", key2 = dir_ / "key2.pem";
  MakeCertificate(cert, key, "first");
  MakeCertificate(cert2, key2, "second");
  const std::string config =
      ConfigWith("tls_certificate = \"" + cert + "\"\ntls_key = \"" + key + "\"\n");
  TestServer server(dir_ / "data", {.config = config});
  ASSERT_TRUE(server.started());
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/healthz";

  TlsAnswer first = Get(url, cert);
  ASSERT_EQ(first.code, CURLE_OK) << curl_easy_strerror(first.code);
  EXPECT_EQ(first.status, 200);
  EXPECT_THAT(first.hsts, HasSubstr("max-age="));
  // The second certificate is not trusted for this server yet.
  EXPECT_NE(Get(url, cert2).code, CURLE_OK);
  // Plain HTTP to the TLS port gets no answer.
  EXPECT_NE(Http("GET", "http://127.0.0.1:" + std::to_string(server.port()) + "/healthz").status, 200);
  // TLS 1.1 and older are refused.
  EXPECT_NE(Get(url, cert, CURL_SSLVERSION_MAX_TLSv1_1).code, CURLE_OK);

  // A renewal: new files in place, SIGHUP, and new connections get the new certificate.
  std::filesystem::copy_file(cert2, cert, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(key2, key, std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  bool renewed = false;
  for (int i = 0; i < 100 && !renewed; ++i) {
    renewed = Get(url, cert2).code == CURLE_OK;
    if (!renewed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(renewed) << server.err();
  // A broken renewal keeps the certificate in use and the server up.
  WriteFile(cert, "not a certificate\n");
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Get(url, cert2).status, 200);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(TlsTest, RefusesPlainHttpBeyondLoopbackUnlessAProxyTerminatesTls) {
  const std::string config = ConfigWith("");
  ASSERT_EQ(RunTillit({"init", "--config", config, "--data", dir_ / "data"}).exit_code, 0);
  RunResult refused =
      RunTillit({"serve", "--config", config, "--data", dir_ / "data", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("refusing to listen on 0.0.0.0:0 in plain HTTP"));
  EXPECT_THAT(refused.err, HasSubstr("behind_tls_proxy"));

  // Behind a TLS proxy the server speaks plain HTTP and tells browsers to use HTTPS.
  TestServer proxied(dir_ / "data", {.config = ConfigWith("behind_tls_proxy = true\n"), .init = false});
  ASSERT_TRUE(proxied.started());
  HttpResult r = Http("GET", proxied.url("/healthz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.headers["strict-transport-security"], HasSubstr("max-age="));
}

TEST_F(TlsTest, CheckNamesAHalfConfiguredCertificate) {
  RunResult r = RunTillit({"check", ConfigWith("tls_certificate = \"/nowhere/cert.pem\"\n")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("server.tls_key"));
  RunResult unreadable = RunTillit({"init", "--config", ConfigWith("tls_certificate = \"/nowhere/c.pem\"\n"
                                                                   "tls_key = \"/nowhere/k.pem\"\n"),
                                    "--data", dir_ / "data"});
  ASSERT_EQ(unreadable.exit_code, 0) << unreadable.err;
  RunResult serve = RunTillit({"serve", "--config", dir_ / "tillit.toml", "--data", dir_ / "data", "--listen",
                               "127.0.0.1:0"});
  EXPECT_NE(serve.exit_code, 0);
  EXPECT_THAT(serve.err, HasSubstr("/nowhere/c.pem"));
}

}  // namespace
}  // namespace tillit::testing
