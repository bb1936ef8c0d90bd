// The hash of an audit entry covers every field of it, with unambiguous boundaries: changing any one field, or moving
// a character from one field to the next, gives another hash, so `tillit audit verify` notices any edit of an entry.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/audit/audit.h"

namespace tillit::core {
namespace {

store::AuditRow Entry() {
  store::AuditRow row;
  row.seq = 7;
  row.at = 1767225600000000;
  row.actor_kind = "api_key";
  row.actor = "shop";
  row.purpose = "customer_service";
  row.action = "subject.read";
  row.subject_id = "sub_4f3a";
  row.detail = "fields=2";
  row.prev_hash = std::vector<uint8_t>(32, 0xab);
  return row;
}

TEST(AuditHash, EveryFieldIsCovered) {
  const std::vector<uint8_t> original = AuditEntryHash(Entry());
  ASSERT_EQ(original.size(), 32u);
  EXPECT_EQ(AuditEntryHash(Entry()), original) << "the hash is deterministic";
  const std::vector<std::pair<std::string, std::function<void(store::AuditRow&)>>> edits = {
      {"seq", [](store::AuditRow& r) { r.seq = 8; }},
      {"at", [](store::AuditRow& r) { r.at += 1; }},
      {"actor_kind", [](store::AuditRow& r) { r.actor_kind = "staff"; }},
      {"actor", [](store::AuditRow& r) { r.actor = "shop2"; }},
      {"purpose", [](store::AuditRow& r) { r.purpose = "marketing"; }},
      {"action", [](store::AuditRow& r) { r.action = "subject.erase"; }},
      {"subject_id", [](store::AuditRow& r) { r.subject_id = "sub_4f3b"; }},
      {"detail", [](store::AuditRow& r) { r.detail = "fields=3"; }},
      {"prev_hash", [](store::AuditRow& r) { r.prev_hash[31] ^= 1; }},
  };
  for (const auto& [field, edit] : edits) {
    store::AuditRow row = Entry();
    edit(row);
    EXPECT_NE(AuditEntryHash(row), original) << "an edit of " << field << " keeps the hash";
  }
}

TEST(AuditHash, FieldBoundariesAreUnambiguous) {
  store::AuditRow a = Entry();
  store::AuditRow b = Entry();
  a.action = "subject.read";
  a.subject_id = "sub_1";
  b.action = "subject.rea";
  b.subject_id = "dsub_1";
  EXPECT_NE(AuditEntryHash(a), AuditEntryHash(b));
  a = Entry();
  b = Entry();
  a.subject_id = "sub_1";
  a.detail = "";
  b.subject_id = "";
  b.detail = "sub_1";
  EXPECT_NE(AuditEntryHash(a), AuditEntryHash(b));
}

}  // namespace
}  // namespace tillit::core
