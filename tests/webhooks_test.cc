// Webhook signatures (HMAC-SHA256 over "<t>.<body>", checked against an independent implementation's value) and
// the configuration of a recipient's webhook, whose mistakes are reported with line, key and fix.
#include "core/disclosure/webhooks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "config/public_view.h"

namespace tillit::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "whsec-0123456789abcdef";
constexpr const char* kBody = R"({"id":"whd_1"})";

TEST(WebhookSignature, IsHmacSha256OfTimeDotBody) {
  // python3: hmac.new(secret, b'1764000000.' + body, hashlib.sha256).hexdigest()
  EXPECT_EQ(WebhookSignature(kSecret, 1764000000, kBody),
            "t=1764000000,v1=0432fbc56db70010a66ac835ff7f3b4434e3c1d3204aab0d3b047c3f3f09674c");
}

TEST(WebhookSignature, VerifiesOnlyTheSameSecretTimeAndBody) {
  const std::string header = WebhookSignature(kSecret, 1764000000, kBody);
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, kBody));
  EXPECT_FALSE(VerifyWebhookSignature("whsec-another-secret-000", header, kBody));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, header, R"({"id":"whd_2"})"));
  std::string moved = header;
  moved.replace(2, 10, "1764000001");
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, moved, kBody)) << "the time is signed too";
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, "", kBody));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, "t=1,v1=zz", kBody));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, "v1=" + header.substr(header.find("v1=") + 3), kBody));
}

constexpr const char* kConfig = R"(languages = ["en"]
categories = ["contact.email", "contact.address"]
[controller]
name = "Shop AS"
address = "Storgata 1, Oslo"
country = "NO"
email = "privacy@shop.no"
[[purpose]]
id = "contract"
legal_basis = "contract"
categories = ["contact.email", "contact.address"]
name.en = "Delivering orders"
description.en = "We deliver what you order."
[policy.en]
intro = "Shop AS is the controller."
[[recipient]]
id = "posti"
name = "Posti"
role = "processor"
country = "FI"
categories = ["contact.address"]
purposes = ["contract"]
)";

config::LoadResult LoadWith(const std::string& webhook, const std::string& server = "") {
  return config::LoadConfigString(std::string(kConfig) + webhook + server, "shop.toml");
}

std::string Errors(const config::LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.ToString() + "\n";
  return out;
}

TEST(WebhookConfig, ValidWebhookLoadsAndStaysOutOfThePublishedConfiguration) {
  auto r = LoadWith(
      "webhook = { url = \"https://hooks.posti.example/tillit\", secret = \"0123456789abcdef0123\", events = "
      "[\"subject.erased\", \"subject.rectified\"] }\n",
      "[server]\nwebhook_retry_ms = 250\nwebhook_max_attempts = 3\n");
  ASSERT_TRUE(r.ok()) << Errors(r);
  const config::Recipient* posti = r.config->FindRecipient("posti");
  ASSERT_TRUE(posti && posti->webhook);
  EXPECT_EQ(posti->webhook->url, "https://hooks.posti.example/tillit");
  EXPECT_TRUE(posti->webhook->Wants("subject.erased"));
  EXPECT_FALSE(posti->webhook->Wants("consent.changed"));
  EXPECT_EQ(posti->webhook->scope, "disclosed");  // Art. 19 events follow the disclosure log unless told otherwise
  EXPECT_EQ(r.config->server.webhook_retry_ms, 250);
  EXPECT_EQ(r.config->server.webhook_max_attempts, 3);
  const std::string canonical = config::CanonicalConfigJson(*r.config);
  EXPECT_THAT(canonical, Not(HasSubstr("0123456789abcdef0123")));
  EXPECT_THAT(canonical, Not(HasSubstr("hooks.posti.example")));
  EXPECT_THAT(config::PublicViewJson(*r.config, ""), Not(HasSubstr("0123456789abcdef0123")));
  auto without = LoadWith("");
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without.config->server.webhook_retry_ms, 30000);
  EXPECT_EQ(without.config->server.webhook_max_attempts, 8);
}

TEST(WebhookConfig, MistakesNameLineKeyAndFix) {
  auto bad_url = LoadWith(
      "webhook = { url = \"ftp://x\", secret = \"0123456789abcdef0123\", events = "
      "[\"subject.erased\"] }\n");
  EXPECT_EQ(bad_url.error_count(), 1u) << Errors(bad_url);
  EXPECT_THAT(Errors(bad_url), HasSubstr("shop.toml:23"));
  EXPECT_THAT(Errors(bad_url), HasSubstr("not an http:// or https:// URL"));
  auto short_secret =
      LoadWith("webhook = { url = \"https://x\", secret = \"short\", events = [\"subject.erased\"] }\n");
  EXPECT_EQ(short_secret.error_count(), 1u) << Errors(short_secret);
  EXPECT_THAT(Errors(short_secret), HasSubstr("shorter than 16 characters"));
  auto event =
      LoadWith("webhook = { url = \"https://x\", secret = \"0123456789abcdef0123\", events = [\"subject.erase\"] }\n");
  EXPECT_EQ(event.error_count(), 1u) << Errors(event);
  EXPECT_THAT(Errors(event), HasSubstr("subject.erase"));
  EXPECT_THAT(Errors(event), HasSubstr("subject.erased"));
  auto missing = LoadWith("webhook = { url = \"https://x\", events = [\"subject.erased\"] }\n");
  EXPECT_EQ(missing.error_count(), 1u) << Errors(missing);
  EXPECT_THAT(Errors(missing), HasSubstr("secret"));
  auto scope = LoadWith(
      "webhook = { url = \"https://x\", secret = \"0123456789abcdef0123\", events = [\"subject.erased\"], "
      "scope = \"everyone\" }\n");
  EXPECT_EQ(scope.error_count(), 1u) << Errors(scope);
  EXPECT_THAT(Errors(scope), HasSubstr("unknown scope 'everyone'"));
  EXPECT_THAT(Errors(scope), HasSubstr("scope = \"all\""));
  auto all = LoadWith(
      "webhook = { url = \"https://x\", secret = \"0123456789abcdef0123\", events = [\"subject.erased\"], "
      "scope = \"all\" }\n");
  ASSERT_TRUE(all.ok()) << Errors(all);
  EXPECT_EQ(all.config->FindRecipient("posti")->webhook->scope, "all");
  auto retry = LoadWith("", "[server]\nwebhook_retry_ms = 1\n");
  EXPECT_EQ(retry.error_count(), 1u) << Errors(retry);
  EXPECT_THAT(Errors(retry), HasSubstr("server.webhook_retry_ms"));
}

}  // namespace
}  // namespace tillit::core
