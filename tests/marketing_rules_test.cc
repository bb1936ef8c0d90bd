// The data behind DESIGN.md's rule 6: per-country marketing rules and opt-out registers, the prohibition codes, and
// the normalisations that let a register entry meet a subject's phone number or postal address.
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/countries.h"
#include "core/consent/prohibitions.h"
#include "crypto/blind_index.h"

namespace tillit {
namespace {

TEST(MarketingRulesTest, ExistingCustomerExceptionFollowsTheCountry) {
  struct Case {
    const char* country;
    bool allowed;
  };
  for (const Case& c : {Case{"NO", true}, Case{"SE", true}, Case{"FI", true}, Case{"DK", true}, Case{"DE", true},
                        Case{"IS", true}, Case{"US", false}, Case{"GB", false}, Case{"", false}}) {
    EXPECT_EQ(config::AllowsExistingCustomerException(c.country), c.allowed) << c.country;
  }
}

TEST(MarketingRulesTest, RegistersCarryTheirCountryAgeAndExemption) {
  struct Case {
    const char* id;
    const char* country;
    int months;
    const char* channels;
  };
  for (const Case& c : {Case{"reservasjonsregisteret", "NO", 1, "phone,post"}, Case{"nix_telefon", "SE", 2, "phone"},
                        Case{"nix_adresserat", "SE", 3, "post"}, Case{"asml", "FI", 2, "phone,post"}}) {
    const config::RegisterDefaults* r = config::FindRegister(c.id);
    ASSERT_NE(r, nullptr) << c.id;
    EXPECT_EQ(r->max_age_months, c.months) << c.id;
    EXPECT_EQ(r->channels, c.channels) << c.id;
    EXPECT_TRUE(r->existing_customers_exempt) << c.id;
    EXPECT_FALSE(r->basis.empty()) << c.id;
    ASSERT_NE(config::CountryOfRegister(c.id), nullptr);
    EXPECT_EQ(config::CountryOfRegister(c.id)->code, c.country);
  }
  EXPECT_EQ(config::FindRegister("robinson"), nullptr);
  EXPECT_EQ(config::CountryOfRegister("robinson"), nullptr);
}

TEST(MarketingRulesTest, PhoneRegionOfNormalisedNumbers) {
  EXPECT_EQ(crypto::PhoneRegion("+46701234567"), "SE");
  EXPECT_EQ(crypto::PhoneRegion("+4791234567"), "NO");
  EXPECT_EQ(crypto::PhoneRegion("+358401234567"), "FI");
  EXPECT_EQ(crypto::PhoneRegion("+12025550123"), "US");
  EXPECT_EQ(crypto::PhoneRegion("not a number"), "");
}

TEST(MarketingRulesTest, PostalAddressNormalisation) {
  auto a = crypto::NormalisePostalAddress("  Storgatan  12 B, ", "114 55", "se");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "storgatan 12 b|11455|SE");
  // Case folding covers the Nordic letters; punctuation other than - and / separates words.
  auto b = crypto::NormalisePostalAddress("ÅSVEIEN 3-5/H0101", "0155", "NO");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "åsveien 3-5/h0101|0155|NO");
  EXPECT_EQ(*crypto::NormalisePostalAddress("Mannerheimintie 1.", "00100", "FI"),
            *crypto::NormalisePostalAddress("MANNERHEIMINTIE 1", " 00100 ", "fi"));
  EXPECT_EQ(*crypto::NormalisePostalAddress("Øvre Ålsgate 4", "5003", "NO"),
            *crypto::NormalisePostalAddress("øvre ålsgate 4", "5003", "NO"));
  EXPECT_FALSE(crypto::NormalisePostalAddress("", "0155", "NO").ok());
  EXPECT_FALSE(crypto::NormalisePostalAddress("Storgata 1", " - ", "NO").ok());
  EXPECT_EQ(crypto::NormalisePostalAddress(" , ", "0155", "NO").status().reason(), "invalid_address");
}

TEST(MarketingRulesTest, ProhibitionCodesCoverTheirChannelsAndPurposes) {
  config::Purpose marketing;
  marketing.id = "marketing";
  marketing.channels = {config::Channel::kEmail, config::Channel::kPhone};
  config::Purpose research;
  research.id = "market_research";
  config::Purpose contract;
  contract.id = "contract";
  struct Case {
    const char* code;
    const char* purpose;  // the prohibition's narrowing
    const char* channel;
    const config::Purpose* asked;
    const char* asked_channel;
    bool covered;
  };
  const Case cases[] = {
      {"no_phone_marketing", "", "", &marketing, "phone", true},
      {"no_phone_marketing", "", "", &marketing, "email", false},
      {"no_phone_marketing", "", "", &marketing, "", false},
      {"no_postal_marketing", "", "", &marketing, "post", true},
      {"no_electronic_marketing", "", "", &marketing, "sms", true},
      {"no_electronic_marketing", "", "", &marketing, "phone", false},
      {"no_direct_marketing", "", "", &marketing, "email", true},
      {"no_direct_marketing", "", "", &marketing, "", true},
      {"no_direct_marketing", "", "", &contract, "", false},
      {"no_direct_marketing", "", "", &research, "phone", false},
      {"no_direct_marketing", "", "post", &marketing, "phone", false},
      {"no_direct_marketing", "other", "", &marketing, "email", false},
      {"no_market_research", "", "", &research, "", true},
      {"no_market_research", "", "", &marketing, "email", false},
      {"no_market_research", "contract", "", &contract, "", true},
  };
  for (const Case& c : cases) {
    const core::ProhibitionCode* code = core::FindProhibitionCode(c.code);
    ASSERT_NE(code, nullptr) << c.code;
    EXPECT_EQ(core::ProhibitionCovers(*code, c.purpose, c.channel, *c.asked, c.asked_channel), c.covered)
        << c.code << " narrowed to (" << c.purpose << "," << c.channel << ") asked " << c.asked->id << "/"
        << c.asked_channel;
  }
  EXPECT_EQ(core::FindProhibitionCode("no_spam"), nullptr);
}

}  // namespace
}  // namespace tillit
