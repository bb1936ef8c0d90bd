// Unit tests of the security building blocks: JSON limits, actions and presets, route matching for 405, and the
// SMTP transport's TLS policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "core/access/access.h"
#include "core/mail/outbox.h"
#include "http/router.h"
#include "util/json.h"

namespace tillit {
namespace {

TEST(UntrustedJson, RefusesWhatIsTooDeepDuplicatedOrOutOfRange) {
  EXPECT_TRUE(ParseUntrustedJson(R"({"a":[1,{"b":2}]})").ok());
  const std::string deep64 = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParseUntrustedJson(deep64).ok());
  const std::string deep65 = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(ParseUntrustedJson(deep65).status().reason(), "json_too_deep");
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(ParseUntrustedJson(deep).status().reason(), "json_too_deep");
  EXPECT_EQ(ParseUntrustedJson(R"({"a":1,"b":{"c":1,"c":2}})").status().reason(), "duplicate_key");
  // The same key in two different objects is fine.
  EXPECT_TRUE(ParseUntrustedJson(R"({"a":{"c":1},"b":{"c":2}})").ok());
  EXPECT_TRUE(ParseUntrustedJson(R"([{"c":1},{"c":2}])").ok());
  EXPECT_EQ(ParseUntrustedJson(R"({"n":1e999})").status().reason(), "number_out_of_range");
  EXPECT_EQ(ParseUntrustedJson(R"([-1e400])").status().reason(), "number_out_of_range");
  EXPECT_EQ(ParseUntrustedJson("{").status().reason(), "invalid_json");
  EXPECT_EQ(ParseUntrustedJson("").status().reason(), "invalid_json");
  auto big = ParseUntrustedJson("123456789012345678901234567890");
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->is_number_integer());  // beyond 64 bits: a double, refused wherever an integer is wanted
}

TEST(Access, PresetsResolveToKnownActionsAndTypoesAreNamed) {
  for (const auto& p : core::Presets()) {
    for (auto a : p.actions) EXPECT_TRUE(core::IsAction(a)) << p.name << ": " << a;
  }
  auto shop = core::ResolveActions("shop", {});
  ASSERT_TRUE(shop.ok());
  EXPECT_THAT(*shop, ::testing::Contains("subjects.write"));
  EXPECT_THAT(*shop, ::testing::Not(::testing::Contains("subjects.erase")));
  EXPECT_THAT(*shop, ::testing::Not(::testing::Contains("requests.manage")));
  auto desk = core::ResolveActions("privacy-desk", {});
  ASSERT_TRUE(desk.ok());
  EXPECT_EQ(desk->size(), core::Actions().size());
  auto mixed = core::ResolveActions("analytics", {"audit.read", "decide"});
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(*mixed, (std::vector<std::string>{"audit.read", "decide", "records.write"}));
  auto typo = core::ResolveActions("", {"subjects.raed"});
  EXPECT_EQ(typo.status().reason(), "unknown_action");
  EXPECT_THAT(typo.status().message(), ::testing::HasSubstr("did you mean 'subjects.read'"));
  EXPECT_EQ(core::ResolveActions("shp", {}).status().reason(), "unknown_preset");
}

TEST(Access, APrincipalHoldsOnlyItsActionsAndPurposes) {
  core::Principal p{"api_key", "k", {"decide"}, {"marketing"}};
  EXPECT_TRUE(p.AllowsAction("decide"));
  EXPECT_FALSE(p.AllowsAction("subjects.read"));
  EXPECT_TRUE(p.AllowsPurpose("marketing"));
  EXPECT_FALSE(p.AllowsPurpose("contract"));
}

TEST(Router, PatternsMatchWholeSegments) {
  EXPECT_TRUE(http::PatternMatches("/v1/subjects/:id", "/v1/subjects/sub_1"));
  EXPECT_FALSE(http::PatternMatches("/v1/subjects/:id", "/v1/subjects/"));
  EXPECT_FALSE(http::PatternMatches("/v1/subjects/:id", "/v1/subjects/sub_1/records"));
  EXPECT_FALSE(http::PatternMatches("/v1/subjects", "/v1/subjectsx"));
  EXPECT_TRUE(http::PatternMatches("/v1/requests/:id/approve", "/v1/requests/r/approve"));
  http::Router router;
  router.Add("GET", "/v1/subjects/:id", http::Access::Key("subjects.read"), nullptr);
  router.Add("PATCH", "/v1/subjects/:id", http::Access::Key("subjects.write"), nullptr);
  router.Add("POST", "/v1/subjects", http::Access::Key("subjects.write"), nullptr);
  EXPECT_EQ(router.MethodsFor("/v1/subjects/x"), (std::vector<std::string>{"GET", "PATCH"}));
  EXPECT_TRUE(router.MethodsFor("/v1/nothing").empty());
  // Bodies: JSON by default for writes, none for reads.
  EXPECT_EQ(router.routes()[1].accepts, http::kJsonBody);
  EXPECT_TRUE(router.routes()[0].accepts.empty());
}

TEST(SmtpTransport, TlsIsRequiredExceptToARelayOnThisMachine) {
  config::Mail mail;
  mail.smtp_url = "smtp://mail.example.com:587";
  EXPECT_EQ(core::SmtpTlsOf(mail), core::SmtpTls::kRequired);
  mail.smtp_url = "smtps://mail.example.com:465";
  EXPECT_EQ(core::SmtpTlsOf(mail), core::SmtpTls::kRequired);
  mail.smtp_url = "smtp://127.0.0.1:2525";
  EXPECT_EQ(core::SmtpTlsOf(mail), core::SmtpTls::kIfOffered);
  mail.smtp_url = "smtp://localhost";
  EXPECT_EQ(core::SmtpTlsOf(mail), core::SmtpTls::kIfOffered);
  mail.smtp_url = "smtp://[::1]:25";
  EXPECT_EQ(core::SmtpTlsOf(mail), core::SmtpTls::kIfOffered);
  mail.smtp_url = "smtp://127.0.0.1.example.com";
  EXPECT_EQ(core::SmtpTlsOf(mail), core::SmtpTls::kRequired);
  mail.smtp_url = "smtp://mail.example.com";
  mail.tls = "none";
  EXPECT_EQ(core::SmtpTlsOf(mail), core::SmtpTls::kNone);
}

}  // namespace
}  // namespace tillit
