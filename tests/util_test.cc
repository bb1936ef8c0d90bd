#include <gtest/gtest.h>

#include "config/duration.h"
#include "util/random.h"
#include "util/text.h"

namespace tillit {
namespace {

TEST(Utf8, AcceptsValidAndRejectsBroken) {
  EXPECT_TRUE(IsValidUtf8("Sähköposti ✓ 😀"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));            // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));        // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));    // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(ClosestMatch, SuggestsTyposOnly) {
  EXPECT_EQ(ClosestMatch("legal_bases", {"legal_basis", "categories"}), "legal_basis");
  EXPECT_EQ(ClosestMatch("zzzzzz", {"legal_basis", "categories"}), "");
}

TEST(Duration, ParsesUnitsAndRejectsNonsense) {
  EXPECT_EQ(config::ParseDuration("6 months")->months, 6);
  EXPECT_EQ(config::ParseDuration("10 years")->months, 120);
  EXPECT_EQ(config::ParseDuration("2 weeks")->days, 14);
  EXPECT_EQ(config::ParseDuration("1 year 6 months")->months, 18);
  EXPECT_FALSE(config::ParseDuration("ten years").has_value());
  EXPECT_FALSE(config::ParseDuration("6 moons").has_value());
  EXPECT_FALSE(config::ParseDuration("").has_value());
  EXPECT_EQ(config::ParseDuration("42 months")->ToString(), "3 years 6 months");
}

TEST(Random, IdsAreOpaqueAndDistinct) {
  SeededRandom a(1), b(1);
  EXPECT_EQ(a.NewId("sub_"), b.NewId("sub_"));  // deterministic under a seed
  const std::string x = Random::Secure().NewId("sub_"), y = Random::Secure().NewId("sub_");
  EXPECT_NE(x, y);
  EXPECT_EQ(x.size(), 4u + 26u);
}

}  // namespace
}  // namespace tillit
