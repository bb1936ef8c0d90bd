#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "config/duration.h"
#include "core/consent/subject_id_map.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/random.h"
#include "util/text.h"

namespace tillit {
namespace {

TEST(Utf8, AcceptsValidAndRejectsBroken) {
  EXPECT_TRUE(IsValidUtf8("Sähköposti ✓ 😀"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
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

TimePoint Utc(int y, unsigned m, unsigned d, int hh, int mm, int ss, int64_t us = 0) {
  namespace chrono = std::chrono;
  return chrono::sys_days(chrono::year_month_day(chrono::year(y), chrono::month(m), chrono::day(d))) +
         chrono::hours(hh) + chrono::minutes(mm) + chrono::seconds(ss) + chrono::microseconds(us);
}

TEST(Rfc3339, ParsesUtcAndFractions) {
  EXPECT_EQ(*ParseRfc3339("2026-11-23T10:00:00Z"), Utc(2026, 11, 23, 10, 0, 0));
  EXPECT_EQ(*ParseRfc3339("2026-11-23t10:00:00z"), Utc(2026, 11, 23, 10, 0, 0));
  EXPECT_EQ(*ParseRfc3339("2026-11-23T10:00:00.123456Z"), Utc(2026, 11, 23, 10, 0, 0, 123456));
  EXPECT_EQ(*ParseRfc3339("2026-11-23T10:00:00.5Z"), Utc(2026, 11, 23, 10, 0, 0, 500000));
  EXPECT_EQ(*ParseRfc3339("2026-11-23T10:00:00.000001Z"), Utc(2026, 11, 23, 10, 0, 0, 1));
  EXPECT_EQ(*ParseRfc3339("2028-02-29T23:59:59Z"), Utc(2028, 2, 29, 23, 59, 59));  // leap year
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), TimePoint{});
  EXPECT_EQ(ToMicros(*ParseRfc3339("1970-01-01T00:00:01.25Z")), 1'250'000);
  EXPECT_EQ(*ParseRfc3339("9999-12-31T23:59:59.999999Z"), Utc(9999, 12, 31, 23, 59, 59, 999999));
}

TEST(Rfc3339, OffsetsAreConvertedToUtc) {
  EXPECT_EQ(*ParseRfc3339("2026-11-23T12:00:00+02:00"), Utc(2026, 11, 23, 10, 0, 0));
  EXPECT_EQ(*ParseRfc3339("2026-11-23T04:30:00-05:30"), Utc(2026, 11, 23, 10, 0, 0));
  EXPECT_EQ(*ParseRfc3339("2026-11-23T10:00:00+00:00"), Utc(2026, 11, 23, 10, 0, 0));
  EXPECT_EQ(*ParseRfc3339("2026-11-23T10:00:00-00:00"), Utc(2026, 11, 23, 10, 0, 0));
  EXPECT_EQ(*ParseRfc3339("2026-11-23T10:00:00.25+05:45"), Utc(2026, 11, 23, 4, 15, 0, 250000));
  // Across a day, a month and a year boundary.
  EXPECT_EQ(*ParseRfc3339("2027-01-01T01:00:00+02:00"), Utc(2026, 12, 31, 23, 0, 0));
  EXPECT_EQ(*ParseRfc3339("2026-02-28T22:00:00-03:00"), Utc(2026, 3, 1, 1, 0, 0));
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-23T12:00:00+02:00")), "2026-11-23T10:00:00Z");
}

TEST(Rfc3339, FormatsWholeSecondsInUtc) {
  EXPECT_EQ(FormatRfc3339(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(Utc(2026, 11, 23, 13, 22, 5)), "2026-11-23T13:22:05Z");
  EXPECT_EQ(FormatRfc3339(Utc(2026, 11, 23, 13, 22, 5, 999999)), "2026-11-23T13:22:05Z");  // truncated, not rounded
  // Regression: formatting went through the nanosecond system_clock, which overflows after 2262-04-11.
  EXPECT_EQ(FormatRfc3339(Utc(2300, 1, 2, 3, 4, 5)), "2300-01-02T03:04:05Z");
  EXPECT_EQ(FormatRfc3339(Utc(9999, 12, 31, 23, 59, 59, 999999)), "9999-12-31T23:59:59Z");
}

TEST(Rfc3339, RoundTripsThroughFormat) {
  for (const char* text : {"2026-11-23T10:00:00Z", "1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z",
                           "2038-01-19T03:14:08Z", "9999-12-31T23:59:59Z"}) {
    auto parsed = ParseRfc3339(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(FormatRfc3339(*parsed), text);
  }
  const TimePoint t = Utc(2031, 7, 4, 5, 6, 7);
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339(t)), t);
}

TEST(Rfc3339, RejectsWhatIsNotAnRfc3339Time) {
  for (const std::string& text : std::vector<std::string>{
           "",
           "2026-11-23",                               // no time
           "2026-11-23T10:00:00",                      // no zone
           "2026-11-23T10:00Z",                        // no seconds
           "2026-11-23 10:00:00Z",                     // space instead of T
           "2026-11-23X10:00:00Z",                     // another separator
           "2026/11/23T10:00:00Z",                     //
           "26-11-23T10:00:00Z",                       // two-digit year
           "2026-1-23T10:00:00Z",                      // one-digit month
           "2026-11-23T1:00:00Z",                      // one-digit hour
           "+2026-11-23T10:00:00Z",                    // sign
           "2026-+1-23T10:00:00Z",                     // sign in a field
           "2026-11-23T10:00:-1Z",                     //
           " 2026-11-23T10:00:00Z",                    // leading space
           "2026-11-23T10:00:00Z ",                    // trailing space
           "2026-11-23T10:00:00Zjunk",                 // trailing garbage
           "2026-11-23T10:00:00+02:00Z",               // two zones
           "2026-02-30T10:00:00Z",                     // no such date
           "2026-02-29T10:00:00Z",                     // not a leap year
           "2100-02-29T10:00:00Z",                     // not a leap year either
           "2026-13-01T10:00:00Z",                     // month 13
           "2026-00-01T10:00:00Z",                     // month 0
           "2026-11-00T10:00:00Z",                     // day 0
           "2026-11-31T10:00:00Z",                     // November has 30 days
           "2026-11-23T24:00:00Z",                     // hour 24
           "2026-11-23T10:60:00Z",                     // minute 60
           "2026-12-31T23:59:60Z",                     // leap second
           "2026-11-23T10:00:00.Z",                    // empty fraction
           "2026-11-23T10:00:00.1234567Z",             // below a microsecond
           "2026-11-23T10:00:00,5Z",                   // comma
           "2026-11-23T10:00:00+2:00",                 // one-digit offset hour
           "2026-11-23T10:00:00+0200",                 // no colon in offset
           "2026-11-23T10:00:00+02",                   // no offset minutes
           "2026-11-23T10:00:00+24:00",                // offset hour 24
           "2026-11-23T10:00:00+02:60",                // offset minute 60
           "2026-11-23T10:00:00+02:00:00",             // offset seconds
           "1969-12-31T23:59:59Z",                     // before 1970
           "0000-01-01T00:00:00Z",                     //
           "1970-01-01T00:30:00+01:00",                // 1969 in UTC
           "9999-12-31T23:00:00-05:00",                // year 10000 in UTC
           "10000-01-01T00:00:00Z",                    // five-digit year
           std::string("2026-11-23T10:00:00Z\0", 21),  // NUL after the zone
       }) {
    auto parsed = ParseRfc3339(text);
    ASSERT_FALSE(parsed.ok()) << "'" << text << "' parsed as " << ToMicros(*parsed);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(parsed.status().reason(), "invalid_time") << text;
    if (!text.empty()) {
      EXPECT_EQ(parsed.status().message().find(text), std::string::npos) << text;
    }
  }
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

namespace tillit {
namespace {

TEST(Csv, CellsAreQuotedAndFormulasStayText) {
  EXPECT_EQ(CsvCell("Kari Nordmann"), "\"Kari Nordmann\"");
  EXPECT_EQ(CsvCell("say \"hei\", then go"), "\"say \"\"hei\"\", then go\"");
  EXPECT_EQ(CsvCell("line\nbreak"), "\"line\nbreak\"");
  // What a spreadsheet would run: prefixed with an apostrophe.
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(CsvCell("+47 cmd"), "\"'+47 cmd\"");
  EXPECT_EQ(CsvCell("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(CsvCell("\tx"), "\"'\tx\"");
  // Numbers stay numbers; empty stays empty.
  EXPECT_EQ(CsvCell("-12.50"), "\"-12.50\"");
  EXPECT_EQ(CsvCell("+3"), "\"+3\"");
  EXPECT_EQ(CsvCell(""), "\"\"");
  EXPECT_EQ(CsvRecord({"a", "=1+1", "3"}), "\"a\",\"'=1+1\",\"3\"\r\n");
}

}  // namespace
}  // namespace tillit

namespace tillit::core {
namespace {

TEST(SubjectIdMap, KeepsEveryIdAndGivesItBackUnchanged) {
  SubjectIdMap<int> map;
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(Random::Secure().NewId("sub_"));
  ids.push_back("sub_a");                           // not a generated id: kept as a string
  ids.push_back("sub_ABCDEFGHIJKLMNOPQRSTUVWXYZ");  // upper case is not base32 here
  ids.push_back("cus_abcdefghijklmnopqrstuvwxyz");  // another prefix
  ids.push_back("sub_aaaaaaaaaaaaaaaaaaaaaaaaa7");  // the highest value of the last characters
  for (size_t i = 0; i < ids.size(); ++i) map[ids[i]] = static_cast<int>(i);
  EXPECT_EQ(map.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_NE(map.Find(ids[i]), nullptr) << ids[i];
    EXPECT_EQ(*map.Find(ids[i]), static_cast<int>(i)) << ids[i];
  }
  EXPECT_EQ(map.Find("sub_zzzzzzzzzzzzzzzzzzzzzzzzzz"), nullptr);
  std::map<std::string, int> seen;
  map.ForEach([&](const std::string& id, int value) { seen[id] = value; });
  ASSERT_EQ(seen.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(seen[ids[i]], static_cast<int>(i)) << ids[i];
  EXPECT_TRUE(map.Erase(ids[0]));
  EXPECT_TRUE(map.Erase("sub_a"));
  EXPECT_FALSE(map.Erase("sub_a"));
  EXPECT_EQ(map.Find(ids[0]), nullptr);
  EXPECT_EQ(map.size(), ids.size() - 2);
}

}  // namespace
}  // namespace tillit::core
