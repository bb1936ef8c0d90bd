// The policy diff between two canonical configurations: each kind of change a reader of the policy cares about is
// named, and a material change to a consent purpose without a raised revision is warned about.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"
#include "config/public_view.h"
#include "policy/diff.h"

namespace tillit::policy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Minimagi() {
  std::ifstream in(fs::path(__FILE__).parent_path().parent_path() / "examples" / "minimagi.toml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json Canonical(const std::string& toml) {
  config::LoadResult loaded = config::LoadConfigString(toml, "tillit.toml");
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].ToString());
  if (!loaded.ok()) return json::object();
  return json::parse(config::CanonicalConfigJson(*loaded.config));
}

void Replace(std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

const PolicyChange* Find(const PolicyDiff& diff, const std::string& section, const std::string& item,
                         const std::string& field) {
  for (const auto& c : diff.changes) {
    if (c.section == section && c.item == item && c.field == field) return &c;
  }
  return nullptr;
}

TEST(PolicyDiff, SameConfigurationHasNoChanges) {
  json a = Canonical(Minimagi());
  PolicyDiff diff = DiffPolicies(a, a);
  EXPECT_TRUE(diff.changes.empty());
  EXPECT_THAT(DiffText(diff), HasSubstr("no changes"));
}

TEST(PolicyDiff, NamesEachKindOfChange) {
  const std::string before = Minimagi();
  std::string after = before;
  Replace(after, "email = \"info@pivoto.no\"\nwebsite", "email = \"privacy@minimagi.net\"\nwebsite");
  Replace(after, "id = \"profiling\"\nlegal_basis = \"consent\"\n",
          "id = \"profiling\"\nlegal_basis = \"consent\"\nrevision = 2\n");
  Replace(after, "id = \"analytics\"\nlegal_basis = \"legitimate_interest\"",
          "id = \"analytics\"\nlegal_basis = \"consent\"\nwithdraw = [\"email\"]");
  Replace(after, "categories = [\"device.technical\", \"activity.app\", \"activity.web\"]",
          "categories = [\"device.technical\", \"activity.web\", \"contact.email\"]");
  Replace(after, "record_kind = \"cart_event\"\nduration = \"90 days\"",
          "record_kind = \"cart_event\"\nduration = \"30 days\"");
  after += R"(
[[purpose]]
id = "newsletter"
legal_basis = "consent"
categories = ["contact.email"]
withdraw = ["link"]
name.en = "Newsletter"
description.en = "We send you our newsletter when you ask for it."

[[recipient]]
id = "mailchimp"
name = "Intuit Mailchimp"
role = "processor"
country = "US"
safeguard = "scc"
categories = ["contact.email"]
purposes = ["newsletter"]
service = "email"
)";
  PolicyDiff diff = DiffPolicies(Canonical(before), Canonical(after));

  const PolicyChange* email = Find(diff, "controller", "", "email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->text, "email: info@pivoto.no → privacy@minimagi.net");

  const PolicyChange* revision = Find(diff, "purposes", "profiling", "revision");
  ASSERT_NE(revision, nullptr);
  EXPECT_THAT(revision->text, HasSubstr("revision raised 1 → 2"));
  EXPECT_THAT(revision->text, HasSubstr("no longer count"));

  const PolicyChange* basis = Find(diff, "purposes", "analytics", "legal_basis");
  ASSERT_NE(basis, nullptr);
  EXPECT_EQ(basis->text, "analytics: legal basis: legitimate_interest → consent");
  EXPECT_EQ(basis->from, "legitimate_interest");
  EXPECT_EQ(basis->to, "consent");

  const PolicyChange* categories = Find(diff, "purposes", "monitoring", "categories");
  ASSERT_NE(categories, nullptr);
  EXPECT_EQ(categories->text, "monitoring: categories: +contact.email, -activity.app");

  const PolicyChange* added = Find(diff, "purposes", "newsletter", "");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->kind, "added");
  EXPECT_THAT(added->text, HasSubstr("legal basis consent"));

  ASSERT_NE(Find(diff, "recipients", "mailchimp", ""), nullptr);
  const PolicyChange* transfer = Find(diff, "transfers", "mailchimp", "");
  ASSERT_NE(transfer, nullptr);
  EXPECT_EQ(transfer->text, "+ transfer to US (mailchimp, safeguard scc)");

  const PolicyChange* retention = Find(diff, "retention", "record_kind cart_event", "duration");
  ASSERT_NE(retention, nullptr);
  EXPECT_EQ(retention->text, "record_kind cart_event: kept for: 90 days → 30 days");

  // analytics changed its legal basis to consent without a revision bump.
  EXPECT_THAT(diff.warnings, ::testing::Contains(HasSubstr("purpose analytics changed but its revision stayed 1")));

  const std::string text = DiffText(diff);
  EXPECT_THAT(text, HasSubstr("\npurposes\n"));
  EXPECT_THAT(text, HasSubstr("\ntransfers\n"));
  EXPECT_THAT(text, HasSubstr("\nwarnings\n"));
  json j = DiffJson(diff);
  EXPECT_EQ(j["changes"].size(), diff.changes.size());
}

TEST(PolicyDiff, RemovedPurposeAndRecipientSafeguardChange) {
  std::string with = Minimagi() + R"(
[[recipient]]
id = "aws"
name = "Amazon Web Services"
role = "processor"
country = "US"
safeguard = "scc"
categories = ["contact.email"]
purposes = ["contract"]
)";
  std::string without = with;
  Replace(without, "safeguard = \"scc\"", "safeguard = \"eu_us_dpf\"");
  Replace(without, "id = \"profiling\"\nlegal_basis = \"consent\"", "id = \"profiling_x\"\nlegal_basis = \"consent\"");
  PolicyDiff diff = DiffPolicies(Canonical(with), Canonical(without));
  const PolicyChange* safeguard = Find(diff, "transfers", "aws", "safeguard");
  ASSERT_NE(safeguard, nullptr);
  EXPECT_EQ(safeguard->text, "aws: transfer safeguard: scc → eu_us_dpf");
  const PolicyChange* removed = Find(diff, "purposes", "profiling", "");
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(removed->kind, "removed");
  EXPECT_THAT(diff.warnings, ::testing::Contains(HasSubstr("purpose profiling was removed")));
}

}  // namespace
}  // namespace tillit::policy
