// The Store contract: what every storage backend answers for each typed operation of store.h, checked against the
// backend this pass runs on. ctest runs the suite twice: on SQLite, and again with the "postgres." prefix on
// PostgreSQL, where testing::StoreUrlFor gives every test's data directory a fresh database. The tests name
// operations and their documented results, never SQL or files, so they stay as they are while the backends change
// underneath; a wrong column order, a dropped WHERE clause or a lost ORDER BY fails one of them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "store/migrations.h"
#include "store/store.h"
#include "support/process.h"

namespace tillit::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using tillit::testing::TempDir;

std::vector<uint8_t> Bytes(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// Every byte value, twice: blobs must come back byte for byte, NUL and 0xff included.
std::vector<uint8_t> EveryByte() {
  std::vector<uint8_t> all(512);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i);
  return all;
}

// The value of a read that must succeed. A failed read fails the test at the caller's line and yields T{}, so one
// broken read does not stop the rest of the test from saying what else is wrong.
template <typename T>
T Must(Result<T> result, const std::source_location where = std::source_location::current()) {
  if (!result.ok()) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line())) << result.status().ToString();
    return T{};
  }
  return std::move(result).value();
}

// Ok, or the status that was not, for ASSERT_TRUE / EXPECT_TRUE to show.
::testing::AssertionResult IsOk(const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}

// The given member of each row, in order.
template <typename Row, typename Member>
std::vector<Member> Pluck(const std::vector<Row>& rows, Member Row::*member) {
  std::vector<Member> out;
  for (const auto& row : rows) out.push_back(row.*member);
  return out;
}

// Every member of a row, by value, to compare whole rows: a column read into the wrong member shows up as a
// difference, printed member by member.
auto Members(const ApiKeyRow& r) {
  return std::make_tuple(r.name, r.key_hash, r.prefix, r.purposes, r.actions, r.created_at, r.revoked_at);
}
auto Members(const SubjectRow& r) {
  return std::make_tuple(r.id, r.created_at, r.updated_at, r.source, r.erased_at, r.expires_at, r.active_at);
}
auto Members(const DataKeyRow& r) {
  return std::make_tuple(r.subject_id, r.kek_version, r.wrapped, r.hold_kek_version, r.hold_wrapped, r.created_at);
}
auto Members(const SecretRow& r) { return std::make_tuple(r.label, r.kek_version, r.wrapped, r.created_at); }
auto Members(const FieldRow& r) {
  return std::make_tuple(r.subject_id, r.field, r.sealed, r.source, r.collected_at, r.updated_at);
}
auto Members(const FieldChangeRow& r) {
  return std::make_tuple(r.subject_id, r.change_id, r.field, r.action, r.previous, r.at, r.actor, r.source);
}
auto Members(const RecordRow& r) {
  return std::make_tuple(r.subject_id, r.record_id, r.kind, r.categories, r.occurred_at, r.payload, r.reference,
                         r.created_at, r.expires_at, r.hold, r.hold_expires_at);
}
auto Members(const AuditRow& r) {
  return std::make_tuple(r.seq, r.at, r.actor_kind, r.actor, r.purpose, r.action, r.subject_id, r.detail, r.prev_hash,
                         r.hash);
}
auto Members(const AuditCheckpointRow& r) { return std::make_tuple(r.seq, r.hash, r.signature, r.at); }
auto Members(const ConsentEventRow& r) {
  return std::make_tuple(r.subject_id, r.event_id, r.purpose, r.channel, r.action, r.method, r.policy_version,
                         r.revision, r.language, r.user_agent, r.ip_hash, r.unproven, r.at, r.actor, r.evidence);
}
auto Members(const ObjectionRow& r) {
  return std::make_tuple(r.subject_id, r.objection_id, r.purpose, r.channel, r.status, r.method, r.at, r.actor,
                         r.reason, r.decided_at, r.decided_by, r.sealed_reason);
}
auto Members(const RestrictionRow& r) {
  return std::make_tuple(r.subject_id, r.restriction_id, r.reason, r.started_at, r.actor, r.lifted_at, r.lift_notice,
                         r.lifted_by, r.sealed_reason, r.sealed_notice);
}
auto Members(const VisitorConsentRow& r) {
  return std::make_tuple(r.visitor_id, r.event_id, r.preferences, r.statistics, r.marketing, r.gpc, r.banner_version,
                         r.language, r.policy_version, r.at, r.actor);
}
auto Members(const VisitorLinkRow& r) { return std::make_tuple(r.visitor_id, r.subject_id, r.linked_at, r.actor); }
auto Members(const ProhibitionRow& r) {
  return std::make_tuple(r.subject_id, r.prohibition_id, r.code, r.purpose, r.channel, r.method, r.set_at, r.actor,
                         r.lifted_at, r.lifted_by);
}
auto Members(const DisclosureRow& r) {
  return std::make_tuple(r.subject_id, r.disclosure_id, r.recipient, r.categories, r.purpose, r.reference, r.at,
                         r.recorded_at, r.actor);
}
auto Members(const WebhookDeliveryRow& r) {
  return std::make_tuple(r.delivery_id, r.recipient, r.event, r.body, r.created_at, r.status, r.attempts,
                         r.next_attempt_at, r.last_status, r.last_error, r.delivered_at);
}
auto Members(const ReportRow& r) {
  return std::make_tuple(r.subject_id, r.report_id, r.token_hash, r.language, r.sealed, r.created_at, r.expires_at,
                         r.kind);
}
auto Members(const RightsRequestRow& r) {
  return std::make_tuple(r.subject_id, r.request_id, r.type, r.status, r.channel, r.language, r.received_at,
                         r.original_due_at, r.due_at, r.extended, r.verified_at, r.approved_at, r.closed_at,
                         r.updated_at, r.events, r.sealed);
}
auto Members(const RequestEventRow& r) {
  return std::make_tuple(r.subject_id, r.request_id, r.seq, r.status, r.at, r.actor, r.note);
}
auto Members(const VerificationCodeRow& r) {
  return std::make_tuple(r.subject_id, r.code_id, r.request_id, r.code_hash, r.ip_hash, r.created_at, r.expires_at,
                         r.attempts, r.used_at, r.address_hash);
}
auto Members(const MailRow& r) {
  return std::make_tuple(r.subject_id, r.mail_id, r.kind, r.recipient, r.message, r.created_at, r.next_attempt_at,
                         r.attempts, r.status, r.sent_at, r.last_error);
}
auto Members(const OptOutRegisterRow& r) {
  return std::make_tuple(r.register_id, r.imported_at, r.phones, r.addresses, r.actor);
}
auto Members(const OptOutMatch& r) { return std::make_tuple(r.subject_id, r.register_id, r.kind); }
auto Members(const ErasureRow& r) { return std::make_tuple(r.subject_id, r.erased_at, r.reason, r.actor, r.receipt); }
auto Members(const OperationsCounts& r) {
  return std::make_tuple(r.mail_queued, r.oldest_queued_mail_at, r.mail_failed, r.webhooks_dead, r.requests_overdue);
}

template <typename Row>
void ExpectSame(const Row& got, const Row& want, const std::source_location where = std::source_location::current()) {
  ::testing::ScopedTrace trace(where.file_name(), static_cast<int>(where.line()), "row compared here");
  EXPECT_EQ(Members(got), Members(want));
}

template <typename Row>
void ExpectSame(const std::optional<Row>& got, const Row& want,
                const std::source_location where = std::source_location::current()) {
  ::testing::ScopedTrace trace(where.file_name(), static_cast<int>(where.line()), "row compared here");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(Members(*got), Members(want));
}

template <typename Row>
void ExpectSame(const std::vector<Row>& got, const std::vector<Row>& want,
                const std::source_location where = std::source_location::current()) {
  ::testing::ScopedTrace trace(where.file_name(), static_cast<int>(where.line()), "rows compared here");
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(Members(got[i]), Members(want[i])) << "row " << i;
}

ApiKeyRow Key(const std::string& name) {
  ApiKeyRow row;
  row.name = name;
  row.key_hash = Bytes("hash:" + name);
  row.prefix = "tillit_x";
  row.purposes = {"contract", "marketing"};
  row.actions = {"subjects.read", "decide"};
  row.created_at = 1;
  return row;
}

SubjectRow Subject(const std::string& id, int64_t created_at) { return {id, created_at, created_at, "staff", {}}; }

RecordRow Record(const std::string& subject, const std::string& id, const std::string& kind, int64_t at) {
  return {subject, id, kind, {"purchases", "payments"}, at, Bytes("sealed " + id), {}, at, std::nullopt};
}

RecordRow HeldRecord(const std::string& subject, const std::string& id, int64_t at, int64_t hold_expires_at) {
  RecordRow row = Record(subject, id, "order", at);
  row.reference = Bytes("ref " + id);
  row.hold = Bytes("hold " + id);
  row.hold_expires_at = hold_expires_at;
  return row;
}

RightsRequestRow Request(const std::string& subject, const std::string& id, int64_t received_at, int64_t due_at) {
  RightsRequestRow row;
  row.subject_id = subject;
  row.request_id = id;
  row.type = "access";
  row.status = "received";
  row.channel = "web";
  row.language = "fi";
  row.received_at = received_at;
  row.original_due_at = due_at;
  row.due_at = due_at;
  row.updated_at = received_at;
  row.events = 1;
  row.sealed = Bytes("sealed " + id);
  return row;
}

MailRow Mail(const std::string& subject, const std::string& id, int64_t created_at, int64_t next_attempt_at) {
  return {subject,  id,           "code", Bytes("to " + id), Bytes("message " + id), created_at, next_attempt_at, 0,
          "queued", std::nullopt, ""};
}

WebhookDeliveryRow Delivery(const std::string& id, int64_t created_at, int64_t next_attempt_at) {
  WebhookDeliveryRow row;
  row.delivery_id = id;
  row.recipient = "crm";
  row.event = "subject.updated";
  row.body = R"({"event":"subject.updated","id":")" + id + R"("})";
  row.created_at = created_at;
  row.next_attempt_at = next_attempt_at;
  return row;
}

ReportRow Report(const std::string& subject, const std::string& id, const std::string& token, int64_t created_at,
                 int64_t expires_at) {
  return {subject, id, Bytes("token " + token), "fi", Bytes("sealed report " + id), created_at, expires_at, "access"};
}

// A write the database itself refuses, on either backend: the second INSERT of one prohibition breaks the table's
// primary key.
Status DatabaseRefusal(WriteTxn& txn) {
  const ProhibitionRow row{"sub_dup", "prh_dup", "no_phone_marketing", "",           "",
                           "staff",   1,         "staff:eva",          std::nullopt, ""};
  TILLIT_RETURN_IF_ERROR(txn.InsertProhibition(row));
  return txn.InsertProhibition(row);
}

class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::Open(
        {.data_dir = dir_.path(), .url = testing::StoreUrlFor(dir_.path()), .create_if_missing = true, .readers = 2});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }

  Status Write(const Store::WriteFn& fn) { return store_->WriteAndWait(fn); }

  // Runs `fn` inside a write and answers what it read; for the operations only a write can see.
  template <typename T>
  T ReadInWrite(const std::function<Result<T>(WriteTxn&)>& fn,
                const std::source_location where = std::source_location::current()) {
    T out{};
    Status s = Write([&](WriteTxn& txn) -> Status {
      TILLIT_ASSIGN_OR_RETURN(out, fn(txn));
      return Status::Ok();
    });
    if (!s.ok()) ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line())) << s.ToString();
    return out;
  }

  // A subject with a row in every per-subject table, and a visitor (vis_<subject>) linked to it with two choices.
  static Status Populate(WriteTxn& txn, const std::string& s) {
    TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject(s, 1)));
    TILLIT_RETURN_IF_ERROR(txn.SetSubjectRetention(s, 500, 2));
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({s, 1, Bytes("key"), 1, Bytes("hold key"), 1}));
    TILLIT_RETURN_IF_ERROR(txn.PutField({s, "identity.name", Bytes("name"), "staff", 1, 1}));
    TILLIT_RETURN_IF_ERROR(txn.PutField({s, "contact.email", Bytes("email"), "staff", 1, 1}));
    TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange({s, "chg_1", "identity.name", "collected", {}, 1, "eva", "staff"}));
    TILLIT_RETURN_IF_ERROR(txn.InsertRecord(Record(s, "rec_plain", "page_view", 2)));
    TILLIT_RETURN_IF_ERROR(txn.InsertRecord(HeldRecord(s, "rec_held", 3, 900)));
    TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(
        {s, "cev_1", "marketing", "", "given", "web_form", "pv-1", 1, "fi", "", {}, false, 4, "subject"}));
    TILLIT_RETURN_IF_ERROR(
        txn.InsertObjection({s, "obj_1", "profiling", "", "active", "portal", 5, "subject", "", std::nullopt, ""}));
    TILLIT_RETURN_IF_ERROR(txn.InsertRestriction({s, "rst_1", "", 6, "subject", std::nullopt, "", ""}));
    TILLIT_RETURN_IF_ERROR(txn.EndAgreement({s, "subscription", 7}));
    TILLIT_RETURN_IF_ERROR(txn.InsertDisclosure({s, "dsc_1", "posti", {"contact.address"}, "contract", {}, 8, 8, "x"}));
    TILLIT_RETURN_IF_ERROR(txn.InsertReport(Report(s, "rep_1", s, 9, 1000)));
    TILLIT_RETURN_IF_ERROR(txn.PutMail(Mail(s, "mail_1", 10, 10)));
    TILLIT_RETURN_IF_ERROR(
        txn.PutVerificationCode({s, "code_1", "req_" + s, Bytes("h"), {}, 11, 100, 0, std::nullopt, {}}));
    TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(Request(s, "req_" + s, 12, 1000)));
    TILLIT_RETURN_IF_ERROR(txn.InsertRequestEvent({s, "req_" + s, 1, "received", 12, "subject", {}}));
    TILLIT_RETURN_IF_ERROR(
        txn.InsertProhibition({s, "prh_1", "no_phone_marketing", "", "", "staff", 13, "eva", std::nullopt, ""}));
    TILLIT_RETURN_IF_ERROR(txn.LinkVisitor({"vis_" + s, s, 14, "subject"}));
    TILLIT_RETURN_IF_ERROR(
        txn.InsertVisitorConsent({"vis_" + s, "ev_1", true, true, true, false, "b-1", "fi", "pv-1", 14, "banner"}));
    return txn.InsertVisitorConsent({"vis_" + s, "ev_2", false, false, false, true, "b-1", "fi", "pv-1", 15, "banner"});
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// --- API keys, configuration snapshots, secrets ---------------------------------------------------------------------

// A key is found by its hash, listed by name, revoked once; a name or hash in use is a conflict.
TEST_F(StoreContract, ApiKeysInsertConflictFindAndRevoke) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("shop")); })));
  Status same_name = Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("shop")); });
  EXPECT_EQ(same_name.code(), StatusCode::kConflict);
  EXPECT_EQ(same_name.reason(), "api_key_exists");
  ApiKeyRow same_hash = Key("other");
  same_hash.key_hash = Key("shop").key_hash;
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertApiKey(same_hash); }).reason(), "api_key_exists");

  ExpectSame(Must(store_->FindApiKeyByHash(Key("shop").key_hash)), Key("shop"));
  EXPECT_FALSE(Must(store_->FindApiKeyByHash(Bytes("nope"))).has_value());

  ApiKeyRow old = Key("old");
  old.revoked_at = 7;
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("crm")); })));
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.InsertApiKey(old); })));
  ExpectSame(Must(store_->ListApiKeys()), {Key("crm"), old, Key("shop")});  // by name

  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.RevokeApiKey("shop", 42); })));
  EXPECT_EQ(Must(store_->FindApiKeyByHash(Key("shop").key_hash)).value().revoked_at, 42);
  Status again = Write([](WriteTxn& txn) { return txn.RevokeApiKey("shop", 43); });
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.reason(), "api_key_not_found");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.RevokeApiKey("old", 43); }).reason(), "api_key_not_found");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.RevokeApiKey("nope", 43); }).reason(), "api_key_not_found");
  EXPECT_EQ(Must(store_->FindApiKeyByHash(old.key_hash)).value().revoked_at, 7);
}

// A snapshot id is kept with its first publication; the list is by publication time and leaves the JSON out.
TEST_F(StoreContract, ConfigSnapshotsAreKeptOncePerId) {
  bool inserted = false;
  ConfigSnapshotRow row{"pv-1", 5, R"({"shop":"Åsa's"})"};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.PutConfigSnapshot(row, &inserted); })));
  EXPECT_TRUE(inserted);
  row.published_at = 9;
  row.config_json = "{}";
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.PutConfigSnapshot(row, &inserted); })));
  EXPECT_FALSE(inserted);
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.PutConfigSnapshot({"pv-0", 7, "{}"}, &inserted); })));
  EXPECT_TRUE(inserted);
  auto found = Must(store_->FindConfigSnapshot("pv-1"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, "pv-1");
  EXPECT_EQ(found->published_at, 5);
  EXPECT_EQ(found->config_json, R"({"shop":"Åsa's"})");
  auto list = Must(store_->ListConfigSnapshots());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "pv-1");  // by published_at, not by id
  EXPECT_EQ(list[0].published_at, 5);
  EXPECT_EQ(list[1].id, "pv-0");
  EXPECT_TRUE(list[0].config_json.empty());
  EXPECT_FALSE(Must(store_->FindConfigSnapshot("pv-9")).has_value());
}

// A secret's wrapping comes back byte for byte; rewrapping keeps its creation time; labels are unique.
TEST_F(StoreContract, SecretsRoundTripEveryByte) {
  const SecretRow row{"audit-signing", 1, EveryByte(), 10};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.InsertSecret(row); })));
  Status dup = Write([&](WriteTxn& txn) { return txn.InsertSecret(row); });
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_EQ(dup.reason(), "secret_exists");
  ExpectSame(Must(store_->FindSecret("audit-signing")), row);

  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.UpdateSecret({"audit-signing", 4000000000u, {0}, 0}); })));
  ExpectSame(Must(store_->FindSecret("audit-signing")), SecretRow{"audit-signing", 4000000000u, {0}, 10});
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.UpdateSecret({"nope", 1, {1}, 0}); }).code(), StatusCode::kNotFound);
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.InsertSecret({"blind-index-root", 2, {0xff}, 3}); })));
  ExpectSame(Must(store_->ListSecrets()), {SecretRow{"audit-signing", 4000000000u, {0}, 10},
                                           SecretRow{"blind-index-root", 2, {0xff}, 3}});  // by label
  EXPECT_FALSE(Must(store_->FindSecret("nope")).has_value());
}

// --- Subjects, data keys, blind indexes -----------------------------------------------------------------------------

// Subjects are listed newest first by the keyset cursor (created_at, id); a subject id and its data key are unique.
TEST_F(StoreContract, SubjectsAndDataKeys) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject("sub_a", 100)));
    TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject("sub_b", 200)));
    TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject("sub_c", 200)));
    return txn.InsertDataKey({"sub_a", 1, EveryByte(), std::nullopt, {}, 100});
  })));
  Status dup = Write([](WriteTxn& txn) { return txn.InsertSubject(Subject("sub_a", 1)); });
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_EQ(dup.reason(), "subject_exists");
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.InsertDataKey({"sub_a", 1, {1}, std::nullopt, {}, 1});
            }).code(),
            StatusCode::kConflict);

  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.TouchSubject("sub_a", 150); })));
  ExpectSame(Must(store_->FindSubject("sub_a")), SubjectRow{"sub_a", 100, 150, "staff", {}});
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.TouchSubject("sub_x", 1); }).code(), StatusCode::kNotFound);
  EXPECT_FALSE(Must(store_->FindSubject("sub_x")).has_value());

  auto first = Must(store_->ListSubjects(std::nullopt, 2));
  EXPECT_THAT(Pluck(first, &SubjectRow::id), ElementsAre("sub_c", "sub_b"));  // the id breaks the tie, descending
  ASSERT_EQ(first.size(), 2u);
  auto second = Must(store_->ListSubjects(std::make_pair(first[1].created_at, first[1].id), 2));
  ExpectSame(second, {SubjectRow{"sub_a", 100, 150, "staff", {}}});
  EXPECT_THAT(Must(store_->ListSubjects(std::make_pair(int64_t{100}, std::string("sub_a")), 2)), IsEmpty());

  ExpectSame(Must(store_->FindDataKey("sub_a")), DataKeyRow{"sub_a", 1, EveryByte(), std::nullopt, {}, 100});
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.UpdateDataKey({"sub_a", 2, {3}, 1, Bytes("hold"), 0}); })));
  ExpectSame(Must(store_->FindDataKey("sub_a")), DataKeyRow{"sub_a", 2, {3}, 1, Bytes("hold"), 100});
  // Replacing the wrappings without a hold key drops the hold key.
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.UpdateDataKey({"sub_a", 3, {4}, std::nullopt, {}, 0}); })));
  ExpectSame(Must(store_->FindDataKey("sub_a")), DataKeyRow{"sub_a", 3, {4}, std::nullopt, {}, 100});
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.UpdateDataKey({"sub_x", 2, {3}, std::nullopt, {}, 0});
            }).code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(Must(store_->FindDataKey("sub_b")).has_value());
}

// Keys with either wrapping under an older KEK version are counted and paged by subject id.
TEST_F(StoreContract, DataKeysBelowAKekVersionArePagedBySubject) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({"sub_e", 3, {5}, std::nullopt, {}, 5}));
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({"sub_a", 1, {1}, std::nullopt, {}, 1}));
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({"sub_c", 3, {3}, 3, Bytes("hold c"), 3}));
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({"sub_b", 3, {2}, 1, Bytes("hold b"), 2}));
    return txn.InsertDataKey({"sub_d", 2, {4}, std::nullopt, {}, 4});
  })));
  EXPECT_EQ(Must(store_->CountDataKeysBelow(1)), 0);
  EXPECT_EQ(Must(store_->CountDataKeysBelow(2)), 2);  // sub_a, and sub_b by its hold key
  EXPECT_EQ(Must(store_->CountDataKeysBelow(3)), 3);
  EXPECT_EQ(Must(store_->CountDataKeysBelow(4)), 5);

  auto first = Must(store_->ListDataKeysBelow(3, "", 2));
  ExpectSame(first,
             {DataKeyRow{"sub_a", 1, {1}, std::nullopt, {}, 1}, DataKeyRow{"sub_b", 3, {2}, 1, Bytes("hold b"), 2}});
  EXPECT_THAT(Pluck(Must(store_->ListDataKeysBelow(3, "sub_b", 2)), &DataKeyRow::subject_id), ElementsAre("sub_d"));
  EXPECT_THAT(Must(store_->ListDataKeysBelow(3, "sub_d", 2)), IsEmpty());
  EXPECT_THAT(Pluck(Must(store_->ListDataKeysBelow(2, "", 10)), &DataKeyRow::subject_id),
              ElementsAre("sub_a", "sub_b"));
}

// A unique index value belongs to one subject at a time, per kind; only its owner releases it.
TEST_F(StoreContract, UniqueIndexesBelongToOneSubject) {
  const std::vector<uint8_t> email = {0, 1, 0xff, 'e', 'm', 0};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_a"); })));
  // Claiming one's own value again is fine.
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_a"); })));
  Status taken = Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_b"); });
  EXPECT_EQ(taken.code(), StatusCode::kConflict);
  EXPECT_EQ(taken.reason(), "email_taken");
  // The same value under another kind is another index.
  ASSERT_TRUE(
      IsOk(Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kCustomerNumber, email, "sub_b"); })));
  EXPECT_EQ(
      Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kCustomerNumber, email, "sub_c"); }).reason(),
      "customer_number_taken");
  EXPECT_EQ(Must(store_->FindUniqueIndex(IndexKind::kEmail, email)), "sub_a");
  EXPECT_EQ(Must(store_->FindUniqueIndex(IndexKind::kCustomerNumber, email)), "sub_b");
  EXPECT_FALSE(Must(store_->FindUniqueIndex(IndexKind::kLogin, email)).has_value());

  // Only the owner releases it; then another subject may claim it.
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.ReleaseUniqueIndex(IndexKind::kEmail, email, "sub_b"); })));
  EXPECT_EQ(Must(store_->FindUniqueIndex(IndexKind::kEmail, email)), "sub_a");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.ReleaseUniqueIndex(IndexKind::kEmail, email, "sub_a"); })));
  EXPECT_FALSE(Must(store_->FindUniqueIndex(IndexKind::kEmail, email)).has_value());
  EXPECT_EQ(Must(store_->FindUniqueIndex(IndexKind::kCustomerNumber, email)), "sub_b");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_b"); })));
  EXPECT_EQ(Must(store_->FindUniqueIndex(IndexKind::kEmail, email)), "sub_b");

  // A conflict does not spoil the rest of the write.
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    EXPECT_EQ(txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_c").reason(), "email_taken");
    return txn.ClaimUniqueIndex(IndexKind::kLogin, email, "sub_c");
  })));
  EXPECT_EQ(Must(store_->FindUniqueIndex(IndexKind::kLogin, email)), "sub_c");
}

// A shared index value holds several subjects, listed by id; adding one twice keeps one entry.
TEST_F(StoreContract, SharedIndexesHoldSeveralSubjects) {
  const auto phone = Bytes("idx-phone");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPhone, phone, "sub_b"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPhone, phone, "sub_a"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPostalAddress, phone, "sub_c"));
    return txn.AddSharedIndex(IndexKind::kPhone, phone, "sub_a");  // again: no change
  })));
  EXPECT_THAT(Must(store_->FindSharedIndex(IndexKind::kPhone, phone)), ElementsAre("sub_a", "sub_b"));
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.RemoveSharedIndex(IndexKind::kPhone, phone, "sub_a"); })));
  EXPECT_THAT(Must(store_->FindSharedIndex(IndexKind::kPhone, phone)), ElementsAre("sub_b"));
  EXPECT_THAT(Must(store_->FindSharedIndex(IndexKind::kPostalAddress, phone)), ElementsAre("sub_c"));
  EXPECT_THAT(Must(store_->FindSharedIndex(IndexKind::kPhone, Bytes("other"))), IsEmpty());
}

// One kind of shared index is scanned by (value, subject) after a keyset cursor, for every subject or for one.
TEST_F(StoreContract, SharedIndexScanPagesByValueThenSubject) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kCountry, Bytes("SE"), "sub_b"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kCountry, Bytes("FI"), "sub_c"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kCountry, Bytes("NO"), "sub_d"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kCountry, Bytes("FI"), "sub_a"));
    return txn.AddSharedIndex(IndexKind::kPhone, Bytes("FI"), "sub_z");  // another kind
  })));
  using Entry = std::pair<std::string, std::vector<uint8_t>>;
  EXPECT_THAT(Must(store_->ScanSharedIndex(IndexKind::kCountry, "", {}, "", 10)),
              ElementsAre(Entry{"sub_a", Bytes("FI")}, Entry{"sub_c", Bytes("FI")}, Entry{"sub_d", Bytes("NO")},
                          Entry{"sub_b", Bytes("SE")}));
  EXPECT_THAT(Must(store_->ScanSharedIndex(IndexKind::kCountry, "", {}, "", 2)),
              ElementsAre(Entry{"sub_a", Bytes("FI")}, Entry{"sub_c", Bytes("FI")}));
  // The cursor may stop inside one value.
  EXPECT_THAT(Must(store_->ScanSharedIndex(IndexKind::kCountry, "", Bytes("FI"), "sub_a", 2)),
              ElementsAre(Entry{"sub_c", Bytes("FI")}, Entry{"sub_d", Bytes("NO")}));
  EXPECT_THAT(Must(store_->ScanSharedIndex(IndexKind::kCountry, "", Bytes("NO"), "sub_d", 2)),
              ElementsAre(Entry{"sub_b", Bytes("SE")}));
  EXPECT_THAT(Must(store_->ScanSharedIndex(IndexKind::kCountry, "", Bytes("SE"), "sub_b", 2)), IsEmpty());
  EXPECT_THAT(Must(store_->ScanSharedIndex(IndexKind::kCountry, "sub_b", {}, "", 10)),
              ElementsAre(Entry{"sub_b", Bytes("SE")}));
  EXPECT_THAT(Must(store_->ScanSharedIndex(IndexKind::kCountry, "sub_z", {}, "", 10)), IsEmpty());
}

// The suppression hashes an erasure left for a subject are listed by value, and only that subject's.
TEST_F(StoreContract, SuppressionsAreListedPerSubject) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kSuppression, Bytes("s2"), "sub_a"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kSuppression, Bytes("s1"), "sub_a"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kSuppression, Bytes("s3"), "sub_b"));
    return txn.AddSharedIndex(IndexKind::kPhone, Bytes("p1"), "sub_a");
  })));
  EXPECT_THAT(Must(store_->ListSuppressions("sub_a")), ElementsAre(Bytes("s1"), Bytes("s2")));
  EXPECT_THAT(Must(store_->ListSuppressions("sub_b")), ElementsAre(Bytes("s3")));
  EXPECT_THAT(Must(store_->ListSuppressions("sub_c")), IsEmpty());
}

// --- Profile fields, change history, records ------------------------------------------------------------------------

// A field is replaced whole and deleted by name; changes come back in the order they were written.
TEST_F(StoreContract, FieldsAreReplacedAndDeletedAndChangesKeepTheirOrder) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.PutField({"sub_a", "identity.name", EveryByte(), "staff", 1, 2}));
    TILLIT_RETURN_IF_ERROR(txn.PutField({"sub_a", "contact.email", Bytes("e1"), "staff", 1, 1}));
    TILLIT_RETURN_IF_ERROR(txn.PutField({"sub_b", "contact.email", Bytes("b1"), "import", 3, 3}));
    // The write sees its own fields.
    auto fields = txn.Fields("sub_a");
    if (!fields.ok()) return fields.status();
    EXPECT_EQ(fields->size(), 2u);
    return Status::Ok();
  })));
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    return txn.PutField({"sub_a", "contact.email", Bytes("e2"), "subject", 5, 6});
  })));
  ExpectSame(Must(store_->ListFields("sub_a")),
             {FieldRow{"sub_a", "contact.email", Bytes("e2"), "subject", 5, 6},  // by field
              FieldRow{"sub_a", "identity.name", EveryByte(), "staff", 1, 2}});
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.DeleteField("sub_a", "contact.email"); })));
  EXPECT_THAT(Pluck(Must(store_->ListFields("sub_a")), &FieldRow::field), ElementsAre("identity.name"));
  EXPECT_THAT(Pluck(Must(store_->ListFields("sub_b")), &FieldRow::field), ElementsAre("contact.email"));
  EXPECT_THAT(Must(store_->ListFields("sub_c")), IsEmpty());

  // Changes of the same microsecond come back in the order they were written, whatever their ids; earlier ones first.
  const FieldChangeRow z{"sub_a", "chg_z", "contact.email", "collected", {}, 7, "", "staff"};
  const FieldChangeRow a{"sub_a", "chg_a", "contact.email", "changed", Bytes("old"), 7, "anna", "portal"};
  const FieldChangeRow m{"sub_a", "chg_m", "contact.email", "removed", Bytes("older"), 7, "anna", "staff"};
  const FieldChangeRow early{"sub_a", "chg_0", "identity.name", "collected", {}, 3, "eva", "import"};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(z));
    TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(a));
    TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(m));
    TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(early));
    return txn.InsertFieldChange({"sub_b", "chg_z", "x", "collected", {}, 1, "", ""});
  })));
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.InsertFieldChange({"sub_a", "chg_z", "x", "collected", {}, 1, "", ""});
            }).code(),
            StatusCode::kConflict);
  ExpectSame(Must(store_->ListFieldChanges("sub_a")), {early, z, a, m});
  EXPECT_THAT(Pluck(Must(store_->ListFieldChanges("sub_b")), &FieldChangeRow::field), ElementsAre("x"));
}

// Records are newest first, filtered by kind and time, paged by the cursor (occurred_at, record id).
TEST_F(StoreContract, RecordsFilterByKindAndSinceAndPageByCursor) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    for (int i = 1; i <= 5; ++i) {
      RecordRow row = Record("sub_a", "rec_" + std::to_string(i), i % 2 ? "order" : "payment", i * 10);
      if (i == 1) {
        row.reference = EveryByte();
        row.expires_at = 99;
      }
      TILLIT_RETURN_IF_ERROR(txn.InsertRecord(row));
    }
    // Same time as rec_5: the id breaks the tie.
    return txn.InsertRecord(Record("sub_a", "rec_6", "order", 50));
  })));
  Status dup = Write([](WriteTxn& txn) { return txn.InsertRecord(Record("sub_a", "rec_1", "order", 1)); });
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_EQ(dup.reason(), "record_exists");
  // Another subject may use the same record id.
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.InsertRecord(Record("sub_b", "rec_1", "order", 1)); })));

  auto ids = [&](const RecordQuery& query) {
    return Pluck(Must(store_->ListRecords("sub_a", query)), &RecordRow::record_id);
  };
  RecordQuery all;
  EXPECT_THAT(ids(all), ElementsAre("rec_6", "rec_5", "rec_4", "rec_3", "rec_2", "rec_1"));
  RecordQuery orders;
  orders.kind = "order";
  EXPECT_THAT(ids(orders), ElementsAre("rec_6", "rec_5", "rec_3", "rec_1"));
  RecordQuery since;
  since.since = 30;  // at or after
  EXPECT_THAT(ids(since), ElementsAre("rec_6", "rec_5", "rec_4", "rec_3"));
  since.kind = "payment";
  EXPECT_THAT(ids(since), ElementsAre("rec_4"));

  RecordQuery page;
  page.limit = 2;
  EXPECT_THAT(ids(page), ElementsAre("rec_6", "rec_5"));
  page.before_occurred_at = 50;
  page.before_record_id = "rec_6";  // inside a tie: rec_5 is still to come
  EXPECT_THAT(ids(page), ElementsAre("rec_5", "rec_4"));
  page.before_record_id = "rec_5";
  EXPECT_THAT(ids(page), ElementsAre("rec_4", "rec_3"));
  page.kind = "order";
  EXPECT_THAT(ids(page), ElementsAre("rec_3", "rec_1"));
  page.before_occurred_at = 10;
  page.before_record_id = "rec_1";
  EXPECT_THAT(ids(page), IsEmpty());

  RecordRow first = Record("sub_a", "rec_1", "order", 10);
  first.reference = EveryByte();
  first.expires_at = 99;
  ExpectSame(Must(store_->FindRecord("sub_a", "rec_1")), first);
  ExpectSame(Must(store_->FindRecord("sub_a", "rec_2")), Record("sub_a", "rec_2", "payment", 20));
  ExpectSame(Must(store_->FindRecord("sub_b", "rec_1")), Record("sub_b", "rec_1", "order", 1));
  EXPECT_FALSE(Must(store_->FindRecord("sub_a", "rec_9")).has_value());
  EXPECT_THAT(Pluck(Must(store_->ListRecords("sub_b", all)), &RecordRow::record_id), ElementsAre("rec_1"));
}

// A record's legal-hold fields and their expiry are stored with it and come back as written.
TEST_F(StoreContract, RecordsKeepTheirLegalHoldFields) {
  const RecordRow held = HeldRecord("sub_a", "rec_h", 10, 500);
  RecordRow hold_time_only = Record("sub_a", "rec_t", "order", 20);
  hold_time_only.hold_expires_at = 600;
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertRecord(held));
    TILLIT_RETURN_IF_ERROR(txn.InsertRecord(hold_time_only));
    return txn.InsertRecord(Record("sub_a", "rec_p", "order", 30));
  })));
  ExpectSame(Must(store_->FindRecord("sub_a", "rec_h")), held);
  ExpectSame(Must(store_->FindRecord("sub_a", "rec_t")), hold_time_only);
  ExpectSame(Must(store_->ListRecords("sub_a", {})), {Record("sub_a", "rec_p", "order", 30), hold_time_only, held});
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.CountHoldRecords("sub_a"); }), 1);
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.CountHoldRecords("sub_b"); }), 0);
}

// --- Consents, objections, restrictions -----------------------------------------------------------------------------

// Consent events are append-only, listed by time then insertion, scanned by (subject, id); only sealed evidence stays.
TEST_F(StoreContract, ConsentEventsAreAppendOnlyAndKeepOnlySealedEvidence) {
  ConsentEventRow given{"sub_a", "cev_2", "marketing", "email",     "given", "web_form", "pv-1",
                        3,       "sv",    "UA",        Bytes("ip"), true,    7,          "subject"};
  given.evidence = Bytes("sealed evidence");
  ConsentEventRow withdrawn = given;
  withdrawn.event_id = "cev_1";
  withdrawn.action = "withdrawn";
  withdrawn.unproven = false;
  withdrawn.evidence = {};
  ConsentEventRow earlier = given;
  earlier.event_id = "cev_3";
  earlier.channel = "";
  earlier.at = 6;
  ConsentEventRow other = given;
  other.subject_id = "sub_b";
  other.event_id = "cev_0";
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(given));
    TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(withdrawn));
    TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(earlier));
    return txn.InsertConsentEvent(other);
  })));
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertConsentEvent(given); }).code(), StatusCode::kConflict);

  // The opened user agent and address hash never reach the store.
  auto stored = [](ConsentEventRow row) {
    row.user_agent.clear();
    row.ip_hash.clear();
    return row;
  };
  ExpectSame(Must(store_->ListConsentEvents("sub_a")), {stored(earlier), stored(given), stored(withdrawn)});
  ExpectSame(Must(store_->ScanConsentEvents("", "", 10)),
             {stored(withdrawn), stored(given), stored(earlier), stored(other)});
  EXPECT_THAT(Pluck(Must(store_->ScanConsentEvents("sub_a", "cev_2", 10)), &ConsentEventRow::event_id),
              ElementsAre("cev_3", "cev_0"));
  EXPECT_THAT(Pluck(Must(store_->ScanConsentEvents("sub_a", "cev_1", 1)), &ConsentEventRow::event_id),
              ElementsAre("cev_2"));
  EXPECT_THAT(Must(store_->ScanConsentEvents("sub_b", "cev_0", 10)), IsEmpty());
  EXPECT_THAT(Must(store_->ListConsentEvents("sub_c")), IsEmpty());
  EXPECT_TRUE(Must(store_->ListLegacyPlaintext(10)).empty());
}

// An active objection is decided once, with its reason sealed; objections are scanned by (subject, id).
TEST_F(StoreContract, ObjectionsAreDecidedOnce) {
  const ObjectionRow objection{"sub_a", "obj_1",   "marketing", "",           "active", "portal",
                               8,       "subject", "",          std::nullopt, ""};
  const ObjectionRow by_channel{"sub_a", "obj_0", "", "phone", "active", "staff", 9, "staff:eva", "", std::nullopt, ""};
  const ObjectionRow other{"sub_b", "obj_1", "profiling", "", "active", "api", 2, "api_key:shop", "", std::nullopt, ""};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertObjection(objection));
    TILLIT_RETURN_IF_ERROR(txn.InsertObjection(by_channel));
    return txn.InsertObjection(other);
  })));
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertObjection(objection); }).code(), StatusCode::kConflict);
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    return txn.DecideObjection("sub_a", "obj_1", "overridden", Bytes("sealed claim"), 10, "staff:eva");
  })));
  Status decided = Write([](WriteTxn& txn) { return txn.DecideObjection("sub_a", "obj_1", "upheld", {}, 11, "x"); });
  EXPECT_EQ(decided.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(decided.reason(), "objection_decided");
  Status missing = Write([](WriteTxn& txn) { return txn.DecideObjection("sub_a", "obj_9", "upheld", {}, 11, "x"); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.reason(), "objection_not_found");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.DecideObjection("sub_c", "obj_1", "upheld", {}, 11, "x"); }).reason(),
            "objection_not_found");
  ASSERT_TRUE(
      IsOk(Write([](WriteTxn& txn) { return txn.DecideObjection("sub_a", "obj_0", "upheld", {}, 12, "eva"); })));

  ObjectionRow overridden = objection;
  overridden.status = "overridden";
  overridden.decided_at = 10;
  overridden.decided_by = "staff:eva";
  overridden.sealed_reason = Bytes("sealed claim");
  ObjectionRow upheld = by_channel;
  upheld.status = "upheld";
  upheld.decided_at = 12;
  upheld.decided_by = "eva";
  ExpectSame(Must(store_->ListObjections("sub_a")), {overridden, upheld});  // by time
  ExpectSame(Must(store_->ListObjections("sub_b")), {other});
  ExpectSame(Must(store_->ScanObjections("", "", 10)), {upheld, overridden, other});  // by (subject, id)
  ExpectSame(Must(store_->ScanObjections("sub_a", "obj_0", 1)), {overridden});
  ExpectSame(Must(store_->ScanObjections("sub_a", "obj_1", 10)), {other});
}

// A subject has at most one unlifted restriction; only that one is lifted, by its id, with the notice sealed.
TEST_F(StoreContract, RestrictionsAreOneAtATimeAndLiftedByTheirId) {
  RestrictionRow restriction{"sub_a", "rst_1", "accuracy contested", 11, "subject", std::nullopt, "", ""};
  restriction.sealed_reason = Bytes("sealed reason");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.InsertRestriction(restriction); })));
  RestrictionRow second = restriction;
  second.restriction_id = "rst_2";
  second.started_at = 20;
  Status restricted = Write([&](WriteTxn& txn) { return txn.InsertRestriction(second); });
  EXPECT_EQ(restricted.code(), StatusCode::kConflict);
  EXPECT_EQ(restricted.reason(), "already_restricted");
  RestrictionRow other{"sub_b", "rst_1", "", 5, "staff:eva", std::nullopt, "", ""};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.InsertRestriction(other); })));
  EXPECT_THAT(Pluck(Must(store_->ScanActiveRestrictions("", "", 10)), &RestrictionRow::subject_id),
              ElementsAre("sub_a", "sub_b"));

  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.LiftRestriction("sub_a", "rst_9", 12, {}, "staff:eva"); }).reason(),
            "not_restricted");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.LiftRestriction("sub_c", "rst_1", 12, {}, "staff:eva"); }).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(IsOk(Write(
      [](WriteTxn& txn) { return txn.LiftRestriction("sub_a", "rst_1", 12, Bytes("sealed notice"), "staff:eva"); })));
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.LiftRestriction("sub_a", "rst_1", 13, {}, ""); }).reason(),
            "not_restricted");
  ExpectSame(Must(store_->ScanActiveRestrictions("", "", 10)), {other});
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.InsertRestriction(second); })));

  // The opened reason and notice never reach the store.
  RestrictionRow lifted = restriction;
  lifted.reason = "";
  lifted.lifted_at = 12;
  lifted.lifted_by = "staff:eva";
  lifted.sealed_notice = Bytes("sealed notice");
  second.reason = "";
  ExpectSame(Must(store_->ListRestrictions("sub_a")), {lifted, second});
  ExpectSame(Must(store_->ScanActiveRestrictions("", "", 1)), {second});
  ExpectSame(Must(store_->ScanActiveRestrictions("sub_a", "rst_2", 10)), {other});
  EXPECT_TRUE(Must(store_->ListLegacyPlaintext(10)).empty());
}

// Sealing legacy rows writes their sealed members in place, row by row, and leaves other rows as they were.
TEST_F(StoreContract, LegacyPlaintextIsSealedInPlace) {
  ConsentEventRow consent{"sub_a", "cev_1", "marketing", "", "given", "web_form", "pv-1",
                          1,       "fi",    "",          {}, false,   5,          "subject"};
  consent.evidence = Bytes("old evidence");
  ConsentEventRow untouched = consent;
  untouched.event_id = "cev_2";
  const ObjectionRow objection{"sub_a", "obj_1",     "marketing", "", "overridden", "staff",
                               6,       "staff:eva", "",          7,  "staff:eva"};
  RestrictionRow restriction{"sub_a", "rst_1", "", 8, "subject", 9, "", "staff:eva"};
  restriction.sealed_reason = Bytes("old reason");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(consent));
    TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(untouched));
    TILLIT_RETURN_IF_ERROR(txn.InsertObjection(objection));
    return txn.InsertRestriction(restriction);
  })));

  LegacyPlaintext sealed;
  sealed.consent_events.push_back(consent);
  sealed.consent_events.back().evidence = Bytes("new evidence");
  sealed.objections.push_back(objection);
  sealed.objections.back().sealed_reason = Bytes("new reason");
  sealed.restrictions.push_back(restriction);
  sealed.restrictions.back().sealed_reason = Bytes("new restriction reason");
  sealed.restrictions.back().sealed_notice = Bytes("new notice");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.SealLegacyPlaintext(sealed); })));

  ExpectSame(Must(store_->ListConsentEvents("sub_a")), {sealed.consent_events[0], untouched});
  ExpectSame(Must(store_->ListObjections("sub_a")), sealed.objections);
  ExpectSame(Must(store_->ListRestrictions("sub_a")), sealed.restrictions);
  EXPECT_TRUE(Must(store_->ListLegacyPlaintext(10)).empty());
}

// --- Audit chain and decision feed ----------------------------------------------------------------------------------

// Entries append at the tail without gaps and read back whole; the signed head is replaced, one row.
TEST_F(StoreContract, AuditChainAppendTailCheckpointAndRead) {
  std::vector<AuditRow> appended;
  auto append = [&](const std::string& subject, const std::string& action) {
    return [&, subject, action](WriteTxn& txn) -> Status {
      TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
      // The first entry follows an all-zero hash, as core/audit/audit.cc chains it.
      if (tail.seq == 0) tail.hash.assign(32, 0);
      const AuditRow row{
          tail.seq + 1, tail.seq + 100, "staff",       "eva",     "support",
          action,       subject,        "fields=name", tail.hash, Bytes("h" + std::to_string(tail.seq + 1))};
      TILLIT_RETURN_IF_ERROR(txn.AppendAudit(row));
      appended.push_back(row);
      return Status::Ok();
    };
  };
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
    EXPECT_EQ(tail.seq, 0);
    EXPECT_TRUE(tail.hash.empty());
    TILLIT_ASSIGN_OR_RETURN(auto head, txn.AuditCheckpoint());
    EXPECT_FALSE(head);
    return Status::Ok();
  })));
  ASSERT_TRUE(IsOk(Write(append("sub_a", "subject.create"))));
  ASSERT_TRUE(IsOk(Write(append("", "config.publish"))));
  ASSERT_TRUE(IsOk(Write(append("sub_a", "subject.read"))));
  ASSERT_TRUE(IsOk(Write(append("sub_b", "subject.read"))));
  // A seq that is taken is a conflict, not a second entry.
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.AppendAudit({2, 0, "cli", "", "", "x", "", "", Bytes("p"), Bytes("h")});
            }).code(),
            StatusCode::kConflict);

  ExpectSame(Must(store_->ReadAudit(0, 10)), appended);
  EXPECT_EQ(appended[2].prev_hash, Bytes("h2"));
  ExpectSame(Must(store_->ReadAudit(1, 2)), {appended[1], appended[2]});
  EXPECT_THAT(Must(store_->ReadAudit(4, 10)), IsEmpty());
  ExpectSame(Must(store_->ReadSubjectAudit("sub_a", 0, 10)), {appended[0], appended[2]});
  ExpectSame(Must(store_->ReadSubjectAudit("sub_a", 1, 10)), {appended[2]});
  ExpectSame(Must(store_->ReadSubjectAudit("sub_a", 0, 1)), {appended[0]});
  EXPECT_THAT(Must(store_->ReadSubjectAudit("", 0, 10)), IsEmpty());  // entries without a subject are no one's

  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
    EXPECT_EQ(tail.seq, 4);
    EXPECT_EQ(tail.hash, Bytes("h4"));
    TILLIT_ASSIGN_OR_RETURN(auto at2, txn.AuditHashAt(2));
    EXPECT_EQ(at2, Bytes("h2"));
    TILLIT_ASSIGN_OR_RETURN(auto at9, txn.AuditHashAt(9));
    EXPECT_FALSE(at9);
    tail.signature = EveryByte();
    tail.at = 500;
    return txn.PutAuditCheckpoint(tail);
  })));
  ExpectSame(Must(store_->FindAuditCheckpoint()), AuditCheckpointRow{4, Bytes("h4"), EveryByte(), 500});
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.PutAuditCheckpoint({4, Bytes("h4"), Bytes("sig2"), 600}); })));
  ExpectSame(Must(store_->FindAuditCheckpoint()), AuditCheckpointRow{4, Bytes("h4"), Bytes("sig2"), 600});
  ExpectSame(ReadInWrite<std::optional<AuditCheckpointRow>>([](WriteTxn& txn) { return txn.AuditCheckpoint(); }),
             AuditCheckpointRow{4, Bytes("h4"), Bytes("sig2"), 600});
  EXPECT_FALSE(Must(store_->FindKeyStoreAuditHead()).has_value());  // the key store's head is another row
}

// The first entry names AuditTail's hash on an empty chain, the empty one, as its previous hash (store.h).
TEST_F(StoreContract, TheFirstAuditEntryFollowsTheEmptyTailHash) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
    return txn.AppendAudit({tail.seq + 1, 1, "system", "", "", "chain.start", "", "", tail.hash, Bytes("h1")});
  })));
  ExpectSame(Must(store_->ReadAudit(0, 10)),
             {AuditRow{1, 1, "system", "", "", "chain.start", "", "", {}, Bytes("h1")}});
  EXPECT_EQ(ReadInWrite<AuditCheckpointRow>([](WriteTxn& txn) { return txn.AuditTail(); }).hash, Bytes("h1"));
}

// The key store keeps its own copy of the signed head, replaced in place, apart from the data's checkpoint.
TEST_F(StoreContract, KeyStoreAuditHeadIsKeptApart) {
  EXPECT_FALSE(Must(store_->FindKeyStoreAuditHead()).has_value());
  EXPECT_FALSE(ReadInWrite<std::optional<AuditCheckpointRow>>([](WriteTxn& txn) {
                 return txn.KeyStoreAuditHead();
               }).has_value());
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.PutKeyStoreAuditHead({3, Bytes("h3"), EveryByte(), 30}); })));
  ExpectSame(Must(store_->FindKeyStoreAuditHead()), AuditCheckpointRow{3, Bytes("h3"), EveryByte(), 30});
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.PutKeyStoreAuditHead({5, Bytes("h5"), Bytes("sig"), 50}); })));
  ExpectSame(Must(store_->FindKeyStoreAuditHead()), AuditCheckpointRow{5, Bytes("h5"), Bytes("sig"), 50});
  ExpectSame(ReadInWrite<std::optional<AuditCheckpointRow>>([](WriteTxn& txn) { return txn.KeyStoreAuditHead(); }),
             AuditCheckpointRow{5, Bytes("h5"), Bytes("sig"), 50});
  EXPECT_FALSE(Must(store_->FindAuditCheckpoint()).has_value());
}

// The decision feed reads in seq order; pruning goes oldest first by age and keeps the newest `keep` (at least one).
TEST_F(StoreContract, DecisionFeedReadsInOrderAndPrunesOldEntriesKeepingTheNewest) {
  EXPECT_EQ(Must(store_->LastDecisionChange()), 0);
  for (int64_t at = 1; at <= 6; ++at) {
    ASSERT_TRUE(
        IsOk(Write([at](WriteTxn& txn) { return txn.AppendDecisionChange("sub_" + std::to_string(at), at * 1000); })));
  }
  auto all = Must(store_->ReadDecisionChanges(0, 100));
  ASSERT_EQ(all.size(), 6u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].second, "sub_" + std::to_string(i + 1));
    if (i > 0) {
      EXPECT_GT(all[i].first, all[i - 1].first);
    }
  }
  EXPECT_THAT(Must(store_->ReadDecisionChanges(all[1].first, 2)), ElementsAre(all[2], all[3]));
  EXPECT_THAT(Must(store_->ReadDecisionChanges(all[5].first, 10)), IsEmpty());
  const int64_t last = Must(store_->LastDecisionChange());
  EXPECT_EQ(last, all[5].first);

  auto prune = [&](int64_t before, int64_t keep, size_t limit) {
    return ReadInWrite<int64_t>([&](WriteTxn& txn) { return txn.DeleteDecisionChanges(before, keep, limit); });
  };
  auto subjects = [&] {
    std::vector<std::string> out;
    for (const auto& [seq, subject] : Must(store_->ReadDecisionChanges(0, 100))) out.push_back(subject);
    return out;
  };
  EXPECT_EQ(prune(3000, 1, 2), 2);  // in batches: the two oldest
  EXPECT_EQ(prune(3000, 1, 100), 1);
  EXPECT_THAT(subjects(), ElementsAre("sub_4", "sub_5", "sub_6"));
  EXPECT_EQ(prune(9000, 2, 100), 1);  // everything is old, but the newest two stay
  EXPECT_THAT(subjects(), ElementsAre("sub_5", "sub_6"));
  EXPECT_EQ(prune(9000, 0, 100), 1);  // at least the newest one
  EXPECT_THAT(subjects(), ElementsAre("sub_6"));
  EXPECT_EQ(Must(store_->LastDecisionChange()), last);
  EXPECT_EQ(prune(9000, 0, 100), 0);
}

// --- The write path: savepoints, group commit, the commit hook, closing ---------------------------------------------

// A failed Nested undoes only what it wrote, a database refusal included; the write goes on and commits the rest.
TEST_F(StoreContract, NestedRollbackLeavesTheRestOfTheWrite) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("outer")));
    Status inner = txn.Nested([&txn] {
      TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("inner")));
      return Status::FailedPrecondition("changed my mind");
    });
    EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
    EXPECT_FALSE(txn.Nested([&txn] { return DatabaseRefusal(txn); }).ok());
    EXPECT_TRUE(IsOk(txn.Nested([] { return Status::Ok(); })));
    EXPECT_TRUE(IsOk(txn.Nested([&txn] { return txn.InsertApiKey(Key("kept")); })));
    return txn.InsertApiKey(Key("after"));
  })));
  EXPECT_THAT(Pluck(Must(store_->ListApiKeys()), &ApiKeyRow::name), ElementsAre("after", "kept", "outer"));
  EXPECT_THAT(Must(store_->ListProhibitions("sub_dup")), IsEmpty());

  // A write may end right after a Nested the database refused: the nested rollback leaves it healthy.
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("last")));
    EXPECT_FALSE(txn.Nested([&txn] { return DatabaseRefusal(txn); }).ok());
    return Status::Ok();
  })));
  EXPECT_TRUE(Must(store_->FindApiKeyByHash(Key("last").key_hash)).has_value());
  EXPECT_THAT(Must(store_->ListProhibitions("sub_dup")), IsEmpty());
}

// A write that fails, in our code or in the database, leaves nothing of what it wrote before.
TEST_F(StoreContract, AWriteThatFailsHalfwayLeavesNothing) {
  Status s = Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("half")));
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  s = Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("first")));
    return DatabaseRefusal(txn);
  });
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(Must(store_->ListApiKeys()), IsEmpty());
  EXPECT_THAT(Must(store_->ListProhibitions("sub_dup")), IsEmpty());
}

// An exception thrown by a write is its status (Internal), and undoes it; the writer goes on.
TEST_F(StoreContract, AnExceptionInAWriteBecomesAStatus) {
  Status s = Write([](WriteTxn& txn) -> Status {
    (void)txn.InsertApiKey(Key("thrown"));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("after")); })));
  EXPECT_THAT(Pluck(Must(store_->ListApiKeys()), &ApiKeyRow::name), ElementsAre("after"));
}

// After Close every write is refused with Unavailable; Close is idempotent.
TEST_F(StoreContract, WritesAfterCloseAreRefused) {
  store_->Close();
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("late")); }).code(), StatusCode::kUnavailable);
  store_->Close();
}

// After Close every read fails at once with Unavailable; none waits for a connection that never comes back.
TEST_F(StoreContract, ReadsAfterCloseAreRefusedWithoutBlocking) {
  store_->Close();
  // The reads run on a thread of their own, so a read that blocks fails this test instead of hanging it. On timeout
  // the thread stays blocked inside the store, so the store is left alive for the rest of the process (destroying it
  // would wait on that thread too). std::async would not do: its future's destructor waits for the thread.
  Store* store = store_.get();
  auto reads = std::make_shared<std::promise<std::vector<std::pair<std::string, Status>>>>();
  auto done = reads->get_future();
  std::thread([store, reads] {
    std::vector<std::pair<std::string, Status>> statuses;
    statuses.emplace_back("ListApiKeys", store->ListApiKeys().status());
    statuses.emplace_back("FindSubject", store->FindSubject("sub_a").status());
    statuses.emplace_back("ListRecords", store->ListRecords("sub_a", {}).status());
    statuses.emplace_back("ReadAudit", store->ReadAudit(0, 10).status());
    statuses.emplace_back("ListSuppressions", store->ListSuppressions("sub_a").status());
    statuses.emplace_back("CountOperations", store->CountOperations(0).status());
    statuses.emplace_back("SchemaVersion", store->SchemaVersion().status());
    reads->set_value(std::move(statuses));
  }).detach();
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    static auto* const abandoned = new std::vector<std::unique_ptr<Store>>();
    abandoned->push_back(std::move(store_));
    FAIL() << "a read after Close was still blocked after 10 s";
  }
  for (const auto& [read, status] : done.get()) {
    EXPECT_EQ(status.code(), StatusCode::kUnavailable) << read << ": " << status.ToString();
  }
}

// Writes from many threads are each committed and acknowledged, while reads run beside the writer.
TEST_F(StoreContract, ConcurrentWritesAreAllCommittedAndAcknowledged) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const ApiKeyRow row = Key("k" + std::to_string(t) + "_" + std::to_string(i));
        if (store_->WriteAndWait([&row](WriteTxn& txn) { return txn.InsertApiKey(row); }).ok()) ++acknowledged;
        // Acknowledged means committed: a read right after sees it.
        if (i % 10 == 0) {
          EXPECT_TRUE(Must(store_->FindApiKeyByHash(row.key_hash)).has_value());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  EXPECT_EQ(Must(store_->ListApiKeys()).size(), static_cast<size_t>(kThreads * kPerThread));
}

// In one group commit, a write that fails (a conflict, a database refusal) is undone alone; its neighbours commit.
TEST_F(StoreContract, AFailingWriteDoesNotAbortItsNeighboursInTheBatch) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("taken")); })));
  // Queued at once so they share a group commit: every third collides, every fifth is refused after writing a key.
  std::vector<std::promise<Status>> results(30);
  for (size_t i = 0; i < results.size(); ++i) {
    store_->Write(
        [i](WriteTxn& txn) -> Status {
          if (i % 5 == 4) {
            TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("refused" + std::to_string(i))));
            return DatabaseRefusal(txn);
          }
          return txn.InsertApiKey(Key(i % 3 == 0 ? "taken" : "fresh" + std::to_string(i)));
        },
        [&results, i](const Status& s) { results[i].set_value(s); });
  }
  std::vector<std::string> committed;
  for (size_t i = 0; i < results.size(); ++i) {
    Status s = results[i].get_future().get();
    if (i % 5 == 4) {
      EXPECT_FALSE(s.ok()) << i;
    } else if (i % 3 == 0) {
      EXPECT_EQ(s.code(), StatusCode::kConflict) << i;
    } else {
      EXPECT_TRUE(s.ok()) << i << ": " << s.ToString();
      committed.push_back("fresh" + std::to_string(i));
    }
  }
  EXPECT_EQ(committed.size(), 16u);
  committed.push_back("taken");
  EXPECT_THAT(Pluck(Must(store_->ListApiKeys()), &ApiKeyRow::name), UnorderedElementsAreArray(committed));
  EXPECT_THAT(Must(store_->ListProhibitions("sub_dup")), IsEmpty());
}

// The commit hook runs once per group commit in which a write succeeded, and its writes commit with the batch.
TEST_F(StoreContract, TheCommitHookRunsOncePerBatchWithASuccessfulWrite) {
  std::atomic<int> hooks{0};
  store_->SetCommitHook([&hooks](WriteTxn& txn) {
    ++hooks;
    bool inserted = false;
    return txn.PutConfigSnapshot({"hook-" + std::to_string(hooks.load()), hooks.load(), "{}"}, &inserted);
  });
  // Hold the writer in a first batch while ten writes queue up behind it: they form the second batch.
  std::promise<void> started, release;
  std::future<void> released = release.get_future();
  std::promise<Status> first;
  store_->Write(
      [&](WriteTxn& txn) {
        started.set_value();
        released.wait();
        return txn.InsertApiKey(Key("first"));
      },
      [&first](const Status& s) { first.set_value(s); });
  started.get_future().wait();
  std::vector<std::promise<Status>> results(10);
  for (size_t i = 0; i < results.size(); ++i) {
    store_->Write([i](WriteTxn& txn) { return txn.InsertApiKey(Key("batched" + std::to_string(i))); },
                  [&results, i](const Status& s) { results[i].set_value(s); });
  }
  release.set_value();
  EXPECT_TRUE(IsOk(first.get_future().get()));
  for (auto& r : results) EXPECT_TRUE(IsOk(r.get_future().get()));
  EXPECT_EQ(hooks.load(), 2);
  EXPECT_THAT(Pluck(Must(store_->ListConfigSnapshots()), &ConfigSnapshotRow::id), ElementsAre("hook-1", "hook-2"));

  // A batch in which every write fails runs no hook.
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("first")); }).code(), StatusCode::kConflict);
  EXPECT_EQ(hooks.load(), 2);
}

// When the commit hook fails, nothing of the batch commits and every write in it answers Unavailable.
TEST_F(StoreContract, AFailingCommitHookCommitsNothing) {
  store_->SetCommitHook([](WriteTxn& txn) { return DatabaseRefusal(txn); });
  Status s = Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("lost")); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(Must(store_->ListApiKeys()), IsEmpty());
  EXPECT_THAT(Must(store_->ListProhibitions("sub_dup")), IsEmpty());
}

// SQLite keeps the key store in keys.db, apart from tillit.db (PostgresStoreTest checks PostgreSQL's `keystore`).
TEST_F(StoreContract, KeyStoreIsItsOwnFileOnSqlite) {
  if (testing::UsingPostgres()) GTEST_SKIP() << "the key store is the schema `keystore` on PostgreSQL";
  store_->Close();  // folds the write-ahead logs into the database files
  EXPECT_THAT(testing::ReadFile(dir_ / "keys.db"), ::testing::HasSubstr("data_keys"));
  EXPECT_THAT(testing::ReadFile(dir_ / "tillit.db"), ::testing::Not(::testing::HasSubstr("CREATE TABLE data_keys")));
}

// --- Rights requests, verification codes, mail ----------------------------------------------------------------------

// A request round-trips every field, is found by its id alone, and Put replaces it in place.
TEST_F(StoreContract, RightsRequestsRoundTripAndArePutInPlace) {
  RightsRequestRow full;
  full.subject_id = "sub_a";
  full.request_id = "req_full";
  full.type = "rectification";
  full.status = "completed";
  full.channel = "email";
  full.language = "sv";
  full.received_at = 100;
  full.original_due_at = 1000;
  full.due_at = 2000;
  full.extended = true;
  full.verified_at = 110;
  full.approved_at = 120;
  full.closed_at = 130;
  full.updated_at = 140;
  full.events = 5;
  full.sealed = EveryByte();
  const RightsRequestRow unmatched = Request("", "req_nobody", 50, 500);  // the address matched no subject
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(full));
    return txn.PutRightsRequest(unmatched);
  })));
  ExpectSame(Must(store_->FindRightsRequest("req_full")), full);
  ExpectSame(Must(store_->FindRightsRequest("req_nobody")), unmatched);
  EXPECT_FALSE(Must(store_->FindRightsRequest("req_none")).has_value());

  // A transition reads and writes inside one write: the write sees its own Put.
  RightsRequestRow verified = unmatched;
  verified.status = "verified";
  verified.verified_at = 60;
  verified.updated_at = 60;
  verified.events = 2;
  verified.sealed = Bytes("resealed");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(auto before, txn.RightsRequestForUpdate("req_nobody"));
    EXPECT_TRUE(before.has_value());
    if (before) ExpectSame(*before, unmatched);
    TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(verified));
    TILLIT_ASSIGN_OR_RETURN(auto after, txn.RightsRequestForUpdate("req_nobody"));
    EXPECT_TRUE(after.has_value());
    if (after) ExpectSame(*after, verified);
    TILLIT_ASSIGN_OR_RETURN(auto none, txn.RightsRequestForUpdate("req_none"));
    EXPECT_FALSE(none.has_value());
    return Status::Ok();
  })));
  ExpectSame(Must(store_->FindRightsRequest("req_nobody")), verified);
  ExpectSame(Must(store_->ListRightsRequests({})), {verified, full});
}

// Put replaces only the request with the same (subject, id): a request id in use under another subject is refused,
// and the request stays its subject's (requests are found by their id alone).
TEST_F(StoreContract, PuttingARequestNeverTakesOverAnotherSubjectsRequest) {
  const RightsRequestRow original = Request("sub_a", "req_x", 100, 1000);
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.PutRightsRequest(original); })));
  EXPECT_FALSE(IsOk(Write([](WriteTxn& txn) { return txn.PutRightsRequest(Request("sub_b", "req_x", 200, 2000)); })));
  ExpectSame(Must(store_->FindRightsRequest("req_x")), original);
  ExpectSame(Must(store_->ListRightsRequests({})), {original});
}

// Requests list oldest receipt first, filtered by status, due date and openness, paged by (received_at, id).
TEST_F(StoreContract, RightsRequestsListFiltersAndPages) {
  RightsRequestRow a = Request("sub_a", "req_a", 100, 1000);
  RightsRequestRow c = Request("", "req_c", 200, 400);
  c.status = "rejected";
  c.closed_at = 300;
  RightsRequestRow b = Request("sub_b", "req_b", 200, 500);
  b.status = "verified";
  b.verified_at = 250;
  RightsRequestRow d = Request("sub_a", "req_d", 300, 2000);
  d.status = "extended";
  d.extended = true;
  d.original_due_at = 1300;
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* row : {&a, &c, &b, &d}) TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(*row));
    return Status::Ok();
  })));
  auto ids = [&](const RequestQuery& q) {
    return Pluck(Must(store_->ListRightsRequests(q)), &RightsRequestRow::request_id);
  };
  ExpectSame(Must(store_->ListRightsRequests({})), {a, b, c, d});
  EXPECT_THAT(ids({.status = "verified"}), ElementsAre("req_b"));
  EXPECT_THAT(ids({.due_before = 1000}), ElementsAre("req_b", "req_c"));  // due_at < 1000
  EXPECT_THAT(ids({.open_only = true}), ElementsAre("req_a", "req_b", "req_d"));
  EXPECT_THAT(ids({.due_before = 1001, .open_only = true}), ElementsAre("req_a", "req_b"));
  EXPECT_THAT(ids({.status = "rejected", .open_only = true}), IsEmpty());
  EXPECT_THAT(ids({.after = std::make_pair(int64_t{200}, std::string("req_b"))}), ElementsAre("req_c", "req_d"));
  EXPECT_THAT(ids({.after = std::make_pair(int64_t{200}, std::string("req_b")), .limit = 1}), ElementsAre("req_c"));
  EXPECT_THAT(ids({.limit = 2}), ElementsAre("req_a", "req_b"));
  EXPECT_THAT(ids({.open_only = true, .after = std::make_pair(int64_t{200}, std::string("req_b"))}),
              ElementsAre("req_d"));
}

// A request's history lists in seq order, only that request's; a seq is written once.
TEST_F(StoreContract, RequestEventsListInSeqOrder) {
  const RequestEventRow second{"sub_a", "req_a", 2, "verified", 20, "subject", {}};
  const RequestEventRow first{"sub_a", "req_a", 1, "received", 10, "api_key:shop", Bytes("sealed note")};
  const RequestEventRow other{"sub_b", "req_b", 1, "received", 15, "staff:eva", EveryByte()};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertRequestEvent(second));
    TILLIT_RETURN_IF_ERROR(txn.InsertRequestEvent(other));
    return txn.InsertRequestEvent(first);
  })));
  EXPECT_FALSE(Write([&](WriteTxn& txn) { return txn.InsertRequestEvent(first); }).ok());
  ExpectSame(Must(store_->ListRequestEvents("req_a")), {first, second});
  ExpectSame(Must(store_->ListRequestEvents("req_b")), {other});
  EXPECT_THAT(Must(store_->ListRequestEvents("req_c")), IsEmpty());
}

// A request's newest code is found; codes count per subject, address and client until their addresses are forgotten.
TEST_F(StoreContract, VerificationCodesAreCountedUntilTheirAddressesAreForgotten) {
  const auto address = Bytes("addr-a"), client = Bytes("ip-x");
  const VerificationCodeRow c1{"sub_a", "code_1", "req_1", Bytes("h1"), client, 10, 100, 0, std::nullopt, address};
  const VerificationCodeRow c2{"sub_a", "code_2", "req_1", Bytes("h2"), client, 20, 200, 0, std::nullopt, address};
  const VerificationCodeRow c3{"sub_b", "code_3", "req_2", Bytes("h3"),  Bytes("ip-y"),
                               30,      300,      0,       std::nullopt, address};
  const VerificationCodeRow c4{"sub_a", "code_4", "req_9", EveryByte(), {}, 5, 50, 1, 6, {}};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* c : {&c2, &c1, &c3, &c4}) TILLIT_RETURN_IF_ERROR(txn.PutVerificationCode(*c));
    return Status::Ok();
  })));
  auto latest = [&](const std::string& subject, const std::string& request) {
    return ReadInWrite<std::optional<VerificationCodeRow>>(
        [&](WriteTxn& txn) { return txn.LatestVerificationCode(subject, request); });
  };
  ExpectSame(latest("sub_a", "req_1"), c2);
  ExpectSame(latest("sub_a", "req_9"), c4);
  EXPECT_FALSE(latest("sub_b", "req_1").has_value());
  // Put replaces the code: an attempt, then its use.
  VerificationCodeRow used = c2;
  used.attempts = 3;
  used.used_at = 25;
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.PutVerificationCode(used); })));
  ExpectSame(latest("sub_a", "req_1"), used);

  auto count = [&](const std::vector<uint8_t>& by_address, const std::vector<uint8_t>& by_client, int64_t since) {
    return ReadInWrite<CodeCounts>(
        [&](WriteTxn& txn) { return txn.CountVerificationCodes("sub_a", by_address, by_client, since); });
  };
  CodeCounts counts = count(address, client, 10);  // created at or after 10
  EXPECT_EQ(counts.subject, 2);
  EXPECT_EQ(counts.address, 3);
  EXPECT_EQ(counts.client, 2);
  counts = count({}, {}, 0);
  EXPECT_EQ(counts.subject, 3);
  EXPECT_EQ(counts.address, 0);
  EXPECT_EQ(counts.client, 0);

  EXPECT_FALSE(Must(store_->HasCodeAddressesBefore(10)));  // code_4 has no addresses
  EXPECT_TRUE(Must(store_->HasCodeAddressesBefore(11)));
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.ForgetCodeAddresses(25, 1); }), 1);  // code_1
  ExpectSame(latest("sub_a", "req_1"), used);
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.ForgetCodeAddresses(25, 10); }), 1);  // code_2
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.ForgetCodeAddresses(25, 10); }), 0);
  EXPECT_FALSE(Must(store_->HasCodeAddressesBefore(25)));
  EXPECT_TRUE(Must(store_->HasCodeAddressesBefore(31)));
  VerificationCodeRow forgotten = used;
  forgotten.ip_hash.clear();
  forgotten.address_hash.clear();
  ExpectSame(latest("sub_a", "req_1"), forgotten);
  // Forgotten codes count for their subject only.
  counts = count(address, client, 0);
  EXPECT_EQ(counts.subject, 3);
  EXPECT_EQ(counts.address, 1);  // code_3, another subject's
  EXPECT_EQ(counts.client, 0);
}

// Queued mail is due by its next attempt, oldest first; a delivery attempt rewrites only the attempt's columns.
TEST_F(StoreContract, MailIsDueInOrderAndRecordsItsAttempts) {
  const MailRow m1 = Mail("sub_a", "mail_1", 10, 10);
  const MailRow m2 = Mail("sub_a", "mail_2", 20, 5);
  const MailRow m3 = Mail("sub_b", "mail_3", 30, 100);
  const MailRow m4 = Mail("", "mail_4", 40, 40);  // under the request key: no subject
  const MailRow m5 = Mail("sub_a", "mail_5", 1, 40);
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* m : {&m1, &m2, &m3, &m4, &m5}) TILLIT_RETURN_IF_ERROR(txn.PutMail(*m));
    return Status::Ok();
  })));
  ExpectSame(Must(store_->ListDueMail(50, 10)), {m2, m1, m5, m4});  // by next attempt, then creation
  ExpectSame(Must(store_->ListDueMail(50, 2)), {m2, m1});
  EXPECT_THAT(Must(store_->ListDueMail(4, 10)), IsEmpty());
  EXPECT_THAT(Pluck(Must(store_->ListDueMail(100, 10)), &MailRow::mail_id),
              ElementsAre("mail_2", "mail_1", "mail_5", "mail_4", "mail_3"));
  ExpectSame(Must(store_->ListSubjectMail("sub_a")), {m5, m1, m2});  // oldest first
  ExpectSame(Must(store_->ListSubjectMail("")), {m4});

  MailRow sent = m1;
  sent.attempts = 1;
  sent.status = "sent";
  sent.sent_at = 60;
  MailRow failed = m2;
  failed.attempts = 5;
  failed.status = "failed";
  failed.last_error = "550 mailbox unavailable";
  MailRow retry = m5;
  retry.attempts = 1;
  retry.next_attempt_at = 70;
  retry.last_error = "421 try again later";
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    // An attempt's columns only: what else the row carries here is ignored.
    MailRow attempt = sent;
    attempt.kind = "ignored";
    attempt.message = Bytes("ignored");
    attempt.created_at = 999;
    TILLIT_RETURN_IF_ERROR(txn.UpdateMailDelivery(attempt));
    TILLIT_RETURN_IF_ERROR(txn.UpdateMailDelivery(failed));
    TILLIT_RETURN_IF_ERROR(txn.UpdateMailDelivery(retry));
    // A mail erased meanwhile: Ok, and nothing appears.
    return txn.UpdateMailDelivery(Mail("sub_a", "mail_gone", 1, 1));
  })));
  ExpectSame(Must(store_->ListSubjectMail("sub_a")), {retry, sent, failed});
  ExpectSame(Must(store_->ListDueMail(50, 10)), {m4});
  ExpectSame(Must(store_->ListDueMail(70, 10)), {m4, retry});

  // Put replaces the mail with the same (subject, id).
  MailRow replaced = m3;
  replaced.kind = "answer_ready";
  replaced.message = EveryByte();
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.PutMail(replaced); })));
  ExpectSame(Must(store_->ListSubjectMail("sub_b")), {replaced});
}

// Mail sent or given up goes by age, oldest first, within the limit; a subject's mail goes with the subject.
TEST_F(StoreContract, FinishedMailIsDeletedByAgeAndWithItsSubject) {
  MailRow sent_early = Mail("sub_a", "mail_1", 10, 10);
  sent_early.status = "sent";
  sent_early.sent_at = 11;
  MailRow failed = Mail("sub_b", "mail_2", 20, 20);
  failed.status = "failed";
  MailRow sent_late = Mail("sub_a", "mail_3", 30, 30);
  sent_late.status = "sent";
  sent_late.sent_at = 31;
  MailRow queued_old = Mail("sub_a", "mail_4", 5, 5);
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* m : {&sent_late, &failed, &sent_early, &queued_old}) {
      TILLIT_RETURN_IF_ERROR(txn.PutMail(*m));
    }
    return Status::Ok();
  })));
  auto delete_finished = [&](int64_t before, size_t limit) {
    return ReadInWrite<int64_t>([&](WriteTxn& txn) { return txn.DeleteFinishedMail(before, limit); });
  };
  EXPECT_EQ(delete_finished(30, 1), 1);  // mail_1, the oldest
  ExpectSame(Must(store_->ListSubjectMail("sub_b")), {failed});
  EXPECT_EQ(delete_finished(29, 10), 1);  // mail_2; mail_3 was queued after 29
  EXPECT_THAT(Must(store_->ListSubjectMail("sub_b")), IsEmpty());
  ExpectSame(Must(store_->ListSubjectMail("sub_a")), {queued_old, sent_late});  // queued mail stays however old
  EXPECT_EQ(delete_finished(30, 10), 1);                                        // at or before
  ExpectSame(Must(store_->ListSubjectMail("sub_a")), {queued_old});

  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.PutMail(Mail("sub_b", "mail_5", 50, 50)); })));
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.DeleteSubjectMail("sub_a"); }), 1);
  EXPECT_THAT(Must(store_->ListSubjectMail("sub_a")), IsEmpty());
  EXPECT_THAT(Pluck(Must(store_->ListSubjectMail("sub_b")), &MailRow::mail_id), ElementsAre("mail_5"));
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.DeleteSubjectMail("sub_a"); }), 0);
}

// --- Webhook outbox -------------------------------------------------------------------------------------------------

// Pending deliveries are due soonest first; the outbox lists newest first, by status; an attempt is written back.
TEST_F(StoreContract, WebhookDeliveriesAreDueInOrderListedByStatusAndUpdated) {
  WebhookDeliveryRow b = Delivery("dlv_b", 10, 10);
  WebhookDeliveryRow a = Delivery("dlv_a", 20, 10);
  WebhookDeliveryRow c = Delivery("dlv_c", 30, 5);
  WebhookDeliveryRow d = Delivery("dlv_d", 40, 100);
  WebhookDeliveryRow e = Delivery("dlv_e", 50, 0);
  e.status = "delivered";
  e.attempts = 1;
  e.last_status = 204;
  e.delivered_at = 55;
  WebhookDeliveryRow f = Delivery("dlv_f", 50, 0);
  f.status = "dead";
  f.attempts = 8;
  f.last_status = 500;
  f.last_error = "HTTP 500";
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* row : {&b, &a, &c, &d, &e, &f}) TILLIT_RETURN_IF_ERROR(txn.InsertWebhookDelivery(*row));
    return Status::Ok();
  })));
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertWebhookDelivery(a); }).code(), StatusCode::kConflict);

  ExpectSame(Must(store_->DueWebhookDeliveries(50, 10)), {c, a, b});  // by next attempt, then id
  ExpectSame(Must(store_->DueWebhookDeliveries(50, 2)), {c, a});
  EXPECT_THAT(Must(store_->DueWebhookDeliveries(4, 10)), IsEmpty());
  ExpectSame(Must(store_->ListWebhookDeliveries("", 10)), {f, e, d, c, a, b});  // newest first, then id descending
  ExpectSame(Must(store_->ListWebhookDeliveries("", 3)), {f, e, d});
  ExpectSame(Must(store_->ListWebhookDeliveries("pending", 10)), {d, c, a, b});
  ExpectSame(Must(store_->ListWebhookDeliveries("dead", 10)), {f});
  ExpectSame(Must(store_->ListWebhookDeliveries("delivered", 10)), {e});
  ExpectSame(Must(store_->FindWebhookDelivery("dlv_e")), e);
  EXPECT_FALSE(Must(store_->FindWebhookDelivery("dlv_x")).has_value());

  // An attempt writes its outcome; recipient, event, body and creation stay as enqueued.
  WebhookDeliveryRow retry = b;
  retry.attempts = 2;
  retry.next_attempt_at = 300;
  retry.last_status = 503;
  retry.last_error = "503 Service Unavailable";
  WebhookDeliveryRow delivered = a;
  delivered.status = "delivered";
  delivered.attempts = 1;
  delivered.last_status = 200;
  delivered.delivered_at = 60;
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    WebhookDeliveryRow attempt = retry;
    attempt.recipient = "ignored";
    attempt.body = "ignored";
    attempt.created_at = 999;
    TILLIT_RETURN_IF_ERROR(txn.UpdateWebhookDelivery(attempt));
    return txn.UpdateWebhookDelivery(delivered);
  })));
  ExpectSame(Must(store_->FindWebhookDelivery("dlv_b")), retry);
  ExpectSame(Must(store_->FindWebhookDelivery("dlv_a")), delivered);
  ExpectSame(Must(store_->DueWebhookDeliveries(50, 10)), {c});
  Status missing = Write([](WriteTxn& txn) { return txn.UpdateWebhookDelivery(Delivery("dlv_x", 1, 1)); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.reason(), "delivery_not_found");
}

// Deliveries delivered or given up go by age, oldest first, within the limit; pending ones stay however old.
TEST_F(StoreContract, FinishedWebhookDeliveriesAreDeletedByAge) {
  WebhookDeliveryRow delivered = Delivery("dlv_1", 10, 0);
  delivered.status = "delivered";
  delivered.delivered_at = 11;
  WebhookDeliveryRow dead = Delivery("dlv_2", 20, 0);
  dead.status = "dead";
  WebhookDeliveryRow dead_late = Delivery("dlv_3", 30, 0);
  dead_late.status = "dead";
  WebhookDeliveryRow pending = Delivery("dlv_4", 5, 5);
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* row : {&dead_late, &pending, &dead, &delivered}) {
      TILLIT_RETURN_IF_ERROR(txn.InsertWebhookDelivery(*row));
    }
    return Status::Ok();
  })));
  auto delete_finished = [&](int64_t before, size_t limit) {
    return ReadInWrite<int64_t>([&](WriteTxn& txn) { return txn.DeleteFinishedWebhookDeliveries(before, limit); });
  };
  EXPECT_EQ(delete_finished(30, 1), 1);
  EXPECT_THAT(Pluck(Must(store_->ListWebhookDeliveries("", 10)), &WebhookDeliveryRow::delivery_id),
              ElementsAre("dlv_3", "dlv_2", "dlv_4"));
  EXPECT_EQ(delete_finished(29, 10), 1);
  EXPECT_EQ(delete_finished(30, 10), 1);  // at or before
  EXPECT_EQ(delete_finished(100, 10), 0);
  ExpectSame(Must(store_->ListWebhookDeliveries("", 10)), {pending});
}

// --- Visitors, disclosures, prohibitions, opt-out registers ---------------------------------------------------------

// A visitor's banner choices and links list oldest first; a pair is linked once; visitor ids page in order.
TEST_F(StoreContract, VisitorConsentsLinksAndIds) {
  const VisitorConsentRow later{"vis_b", "ev_2", true, false, true, false, "b-2", "fi", "pv-1", 5, "banner"};
  const VisitorConsentRow earlier{"vis_b", "ev_1", false, true, false, true, "b-1", "sv", "pv-0", 3, "banner"};
  const VisitorConsentRow only{"vis_a", "ev_1", true, true, true, true, "b-1", "en", "pv-0", 1, "api_key:shop"};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertVisitorConsent(later));
    TILLIT_RETURN_IF_ERROR(txn.InsertVisitorConsent(earlier));
    TILLIT_RETURN_IF_ERROR(txn.InsertVisitorConsent(only));
    TILLIT_RETURN_IF_ERROR(txn.LinkVisitor({"vis_a", "sub_a", 10, "subject"}));
    TILLIT_RETURN_IF_ERROR(txn.LinkVisitor({"vis_a", "sub_b", 5, "staff:eva"}));
    return txn.LinkVisitor({"vis_c", "sub_a", 7, "subject"});  // a link without a choice
  })));
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertVisitorConsent(later); }).code(), StatusCode::kConflict);
  // Linking a pair again keeps the first link.
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.LinkVisitor({"vis_a", "sub_a", 99, "other"}); })));

  ExpectSame(Must(store_->ListVisitorConsents("vis_b")), {earlier, later});
  ExpectSame(Must(store_->ListVisitorConsents("vis_a")), {only});
  EXPECT_THAT(Must(store_->ListVisitorConsents("vis_c")), IsEmpty());
  ExpectSame(Must(store_->ListVisitorLinks("vis_a")),
             {VisitorLinkRow{"vis_a", "sub_b", 5, "staff:eva"}, VisitorLinkRow{"vis_a", "sub_a", 10, "subject"}});
  ExpectSame(Must(store_->ListVisitorLinks("vis_c")), {VisitorLinkRow{"vis_c", "sub_a", 7, "subject"}});
  EXPECT_THAT(Must(store_->ListVisitorLinks("vis_b")), IsEmpty());

  // Each visitor once, whether it has choices, links or both.
  EXPECT_THAT(Must(store_->ListVisitorIds("", 10)), ElementsAre("vis_a", "vis_b", "vis_c"));
  EXPECT_THAT(Must(store_->ListVisitorIds("", 2)), ElementsAre("vis_a", "vis_b"));
  EXPECT_THAT(Must(store_->ListVisitorIds("vis_b", 2)), ElementsAre("vis_c"));
  EXPECT_THAT(Must(store_->ListVisitorIds("vis_c", 2)), IsEmpty());
}

// Disclosures list oldest first by when they happened, per subject, and are deleted with the subject.
TEST_F(StoreContract, DisclosuresListByTimeAndAreDeletedPerSubject) {
  const DisclosureRow later{
      "sub_a", "dsc_1", "posti", {"contact.address", "identity.name"}, "contract", EveryByte(), 20, 25, "api_key:shop"};
  const DisclosureRow earlier{"sub_a", "dsc_2", "klarna", {"payments"}, "contract", {}, 10, 30, "staff:eva"};
  const DisclosureRow other{"sub_b", "dsc_1", "posti",       {"contact.address"}, "delivery", Bytes("order 1234"),
                            5,       5,       "api_key:shop"};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertDisclosure(later));
    TILLIT_RETURN_IF_ERROR(txn.InsertDisclosure(earlier));
    return txn.InsertDisclosure(other);
  })));
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertDisclosure(later); }).code(), StatusCode::kConflict);
  ExpectSame(Must(store_->ListDisclosures("sub_a")), {earlier, later});
  ExpectSame(Must(store_->ListDisclosures("sub_b")), {other});

  int64_t deleted = -1;
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.DeleteDisclosures("sub_a", &deleted); })));
  EXPECT_EQ(deleted, 2);
  EXPECT_THAT(Must(store_->ListDisclosures("sub_a")), IsEmpty());
  ExpectSame(Must(store_->ListDisclosures("sub_b")), {other});
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.DeleteDisclosures("sub_a", nullptr); })));
}

// Prohibitions list oldest first, lifted ones included; each is lifted once; unlifted ones scan by (subject, id).
TEST_F(StoreContract, ProhibitionsAreLiftedOnceAndScannedWhileActive) {
  const ProhibitionRow phone{"sub_b", "prh_1",   "no_phone_marketing", "", "phone", "portal",
                             5,       "subject", std::nullopt,         ""};
  const ProhibitionRow direct{"sub_a", "prh_2", "no_direct_marketing", "marketing",  "",
                              "staff", 20,      "staff:eva",           std::nullopt, ""};
  const ProhibitionRow research{"sub_a", "prh_1", "no_market_research", "",           "",
                                "api",   10,      "api_key:shop",       std::nullopt, ""};
  const ProhibitionRow lifted{"sub_a",  "prh_3", "no_phone_marketing", "", "phone", "import", 12,
                              "import", 15,      "staff:eva"};
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* p : {&phone, &direct, &research, &lifted}) TILLIT_RETURN_IF_ERROR(txn.InsertProhibition(*p));
    return Status::Ok();
  })));
  EXPECT_FALSE(Write([&](WriteTxn& txn) { return txn.InsertProhibition(direct); }).ok());
  ExpectSame(Must(store_->ListProhibitions("sub_a")), {research, lifted, direct});
  ExpectSame(Must(store_->ScanActiveProhibitions("", "", 10)), {research, direct, phone});
  ExpectSame(Must(store_->ScanActiveProhibitions("", "", 1)), {research});
  ExpectSame(Must(store_->ScanActiveProhibitions("sub_a", "prh_1", 1)), {direct});
  ExpectSame(Must(store_->ScanActiveProhibitions("sub_a", "prh_2", 10)), {phone});

  Status missing = Write([](WriteTxn& txn) { return txn.LiftProhibition("sub_a", "prh_9", 30, "subject"); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.reason(), "prohibition_not_found");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.LiftProhibition("sub_b", "prh_2", 30, "subject"); }).reason(),
            "prohibition_not_found");
  Status again = Write([](WriteTxn& txn) { return txn.LiftProhibition("sub_a", "prh_3", 30, "subject"); });
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.reason(), "prohibition_lifted");
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.LiftProhibition("sub_a", "prh_2", 30, "subject"); })));
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.LiftProhibition("sub_a", "prh_2", 31, "x"); }).reason(),
            "prohibition_lifted");

  ProhibitionRow now_lifted = direct;
  now_lifted.lifted_at = 30;
  now_lifted.lifted_by = "subject";
  ExpectSame(Must(store_->ListProhibitions("sub_a")), {research, lifted, now_lifted});
  ExpectSame(Must(store_->ScanActiveProhibitions("", "", 10)), {research, phone});
  ExpectSame(Must(store_->ListProhibitions("sub_b")), {phone});
}

// A register's copy is replaced whole; subjects match it through their phone or postal-address index.
TEST_F(StoreContract, OptOutRegistersAreReplacedAndMatchSubjectsByIndex) {
  const auto p1 = Bytes("phone-1"), p2 = Bytes("phone-2"), a1 = Bytes("address-1");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPhone, p1, "sub_a"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPhone, p1, "sub_b"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPostalAddress, a1, "sub_b"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPhone, p2, "sub_c"));
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kCountry, p1, "sub_d"));  // not a register's kind
    TILLIT_RETURN_IF_ERROR(
        txn.ReplaceOptOutRegister({"nix", 100, 1, 1, "cli"},
                                  {{IndexKind::kPhone, p1}, {IndexKind::kPhone, p1}, {IndexKind::kPostalAddress, a1}}));
    return txn.ReplaceOptOutRegister({"rr", 200, 2, 0, "staff:eva"},
                                     {{IndexKind::kPhone, p2}, {IndexKind::kPhone, p1}});
  })));
  ExpectSame(Must(store_->ListOptOutRegisters()),
             {OptOutRegisterRow{"nix", 100, 1, 1, "cli"}, OptOutRegisterRow{"rr", 200, 2, 0, "staff:eva"}});
  ExpectSame(Must(store_->ListOptOutMatches("")),
             {OptOutMatch{"sub_a", "nix", IndexKind::kPhone}, OptOutMatch{"sub_a", "rr", IndexKind::kPhone},
              OptOutMatch{"sub_b", "nix", IndexKind::kPhone}, OptOutMatch{"sub_b", "nix", IndexKind::kPostalAddress},
              OptOutMatch{"sub_b", "rr", IndexKind::kPhone}, OptOutMatch{"sub_c", "rr", IndexKind::kPhone}});
  ExpectSame(Must(store_->ListOptOutMatches("sub_b")),
             {OptOutMatch{"sub_b", "nix", IndexKind::kPhone}, OptOutMatch{"sub_b", "nix", IndexKind::kPostalAddress},
              OptOutMatch{"sub_b", "rr", IndexKind::kPhone}});
  EXPECT_THAT(Must(store_->ListOptOutMatches("sub_d")), IsEmpty());
  EXPECT_THAT(Must(store_->FindOptOutRegisters(IndexKind::kPhone, p1)), ElementsAre("nix", "rr"));
  EXPECT_THAT(Must(store_->FindOptOutRegisters(IndexKind::kPostalAddress, a1)), ElementsAre("nix"));
  EXPECT_THAT(Must(store_->FindOptOutRegisters(IndexKind::kPostalAddress, p1)), IsEmpty());  // the kind matters

  // A new copy of nix: its old entries go, rr's stay.
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    return txn.ReplaceOptOutRegister({"nix", 300, 0, 1, "cli:2"}, {{IndexKind::kPostalAddress, a1}});
  })));
  ExpectSame(Must(store_->ListOptOutRegisters()),
             {OptOutRegisterRow{"nix", 300, 0, 1, "cli:2"}, OptOutRegisterRow{"rr", 200, 2, 0, "staff:eva"}});
  EXPECT_THAT(Must(store_->FindOptOutRegisters(IndexKind::kPhone, p1)), ElementsAre("rr"));
  ExpectSame(Must(store_->ListOptOutMatches("sub_b")),
             {OptOutMatch{"sub_b", "nix", IndexKind::kPostalAddress}, OptOutMatch{"sub_b", "rr", IndexKind::kPhone}});
}

// --- Stored reports -------------------------------------------------------------------------------------------------

// A report is found by its token hash and listed oldest first; ids are unique per subject and tokens overall.
TEST_F(StoreContract, ReportsAreFoundByTokenAndListedPerSubject) {
  ReportRow access = Report("sub_a", "rep_1", "t1", 10, 100);
  access.sealed = EveryByte();
  ReportRow archive = Report("sub_a", "rep_2", "t2", 5, 50);
  archive.kind = "portability";
  archive.language = "sv";
  ReportRow other = Report("sub_b", "rep_1", "t3", 7, 70);  // the same id under another subject
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* r : {&access, &archive, &other}) TILLIT_RETURN_IF_ERROR(txn.InsertReport(*r));
    return Status::Ok();
  })));
  Status same_id = Write([](WriteTxn& txn) { return txn.InsertReport(Report("sub_a", "rep_1", "t9", 1, 1)); });
  EXPECT_EQ(same_id.code(), StatusCode::kConflict);
  EXPECT_EQ(same_id.reason(), "report_exists");
  Status same_token = Write([](WriteTxn& txn) { return txn.InsertReport(Report("sub_c", "rep_9", "t1", 1, 1)); });
  EXPECT_EQ(same_token.code(), StatusCode::kConflict);
  EXPECT_EQ(same_token.reason(), "report_exists");

  ExpectSame(Must(store_->FindReportByToken(Bytes("token t1"))), access);
  ExpectSame(Must(store_->FindReportByToken(Bytes("token t2"))), archive);
  EXPECT_FALSE(Must(store_->FindReportByToken(Bytes("token t9"))).has_value());
  ExpectSame(Must(store_->ListReports("sub_a")), {archive, access});
  ExpectSame(Must(store_->ListReports("sub_b")), {other});

  Status missing = Write([](WriteTxn& txn) { return txn.DeleteReport("sub_a", "rep_9"); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.reason(), "report_not_found");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.DeleteReport("sub_b", "rep_2"); }).reason(), "report_not_found");
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.DeleteReport("sub_a", "rep_1"); })));
  EXPECT_FALSE(Must(store_->FindReportByToken(Bytes("token t1"))).has_value());
  ExpectSame(Must(store_->ListReports("sub_a")), {archive});
  ExpectSame(Must(store_->ListReports("sub_b")), {other});
}

// Expired reports go soonest first within the limit; a subject's reports go with the subject.
TEST_F(StoreContract, ExpiredReportsAndASubjectsReportsAreDeleted) {
  const ReportRow late = Report("sub_a", "rep_1", "t1", 10, 100);
  const ReportRow soon = Report("sub_a", "rep_2", "t2", 5, 50);
  const ReportRow mid = Report("sub_b", "rep_1", "t3", 7, 70);
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* r : {&late, &soon, &mid}) TILLIT_RETURN_IF_ERROR(txn.InsertReport(*r));
    return Status::Ok();
  })));
  auto delete_expired = [&](int64_t before, size_t limit) {
    return ReadInWrite<int64_t>([&](WriteTxn& txn) { return txn.DeleteExpiredReports(before, limit); });
  };
  EXPECT_EQ(delete_expired(70, 1), 1);
  ExpectSame(Must(store_->ListReports("sub_a")), {late});
  EXPECT_EQ(delete_expired(69, 10), 0);
  EXPECT_EQ(delete_expired(70, 10), 1);  // at or before
  EXPECT_THAT(Must(store_->ListReports("sub_b")), IsEmpty());
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.InsertReport(Report("sub_a", "rep_3", "t4", 11, 110)); })));
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.DeleteReportsOfSubject("sub_a"); }), 2);
  EXPECT_THAT(Must(store_->ListReports("sub_a")), IsEmpty());
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.DeleteReportsOfSubject("sub_a"); }), 0);
}

// --- Erasure and retention ------------------------------------------------------------------------------------------

// Erasure deletes and counts a subject's personal rows, strips held records, keeps its requests, spares the others.
TEST_F(StoreContract, EraseSubjectDeletesThePersonalRowsAndCountsThem) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(Populate(txn, "sub_a"));
    return Populate(txn, "sub_b");
  })));
  ErasedCounts counts = {{"earlier", 1}};  // counts are added to what the caller has
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.EraseSubject("sub_a", 1000, &counts));
    return txn.InsertErasure({"sub_a", 1000, "request", "staff:eva", R"({"rows":{}})"});
  })));
  EXPECT_THAT(counts,
              UnorderedElementsAre(Pair("earlier", 1), Pair("visitor_consents", 2), Pair("visitor_links", 1),
                                   Pair("subject_fields", 2), Pair("field_changes", 1), Pair("consent_events", 1),
                                   Pair("objections", 1), Pair("restrictions", 1), Pair("agreements", 1),
                                   Pair("disclosures", 1), Pair("reports", 1), Pair("outbox", 1),
                                   Pair("verification_codes", 1), Pair("records", 1), Pair("records.payload", 1)));

  ExpectSame(Must(store_->FindSubject("sub_a")), SubjectRow{"sub_a", 1, 1, "staff", 1000, std::nullopt, 2});
  ExpectSame(Must(store_->FindErasure("sub_a")), ErasureRow{"sub_a", 1000, "request", "staff:eva", R"({"rows":{}})"});
  EXPECT_FALSE(Must(store_->FindErasure("sub_b")).has_value());
  EXPECT_THAT(Must(store_->ListFields("sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListFieldChanges("sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListConsentEvents("sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListObjections("sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListRestrictions("sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListDisclosures("sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListReports("sub_a")), IsEmpty());
  EXPECT_FALSE(Must(store_->FindReportByToken(Bytes("token sub_a"))).has_value());
  EXPECT_THAT(Must(store_->ListSubjectMail("sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListVisitorLinks("vis_sub_a")), IsEmpty());
  EXPECT_THAT(Must(store_->ListVisitorConsents("vis_sub_a")), IsEmpty());
  EXPECT_FALSE(ReadInWrite<std::optional<VerificationCodeRow>>([](WriteTxn& txn) {
                 return txn.LatestVerificationCode("sub_a", "req_sub_a");
               }).has_value());
  EXPECT_FALSE(
      ReadInWrite<std::optional<int64_t>>([](WriteTxn& txn) { return txn.AgreementEnd("sub_a"); }).has_value());
  EXPECT_THAT(Must(store_->ListExpiredSubjects(10000, 10)),
              ::testing::Not(::testing::Contains(::testing::Field(&SubjectRow::id, "sub_a"))));
  // The held record keeps only its legal-hold fields and their expiry.
  RecordRow stripped = HeldRecord("sub_a", "rec_held", 3, 900);
  stripped.payload.clear();
  stripped.reference.clear();
  ExpectSame(Must(store_->ListRecords("sub_a", {})), {stripped});
  // The request history stays, as the record that a request was answered.
  ExpectSame(Must(store_->FindRightsRequest("req_sub_a")), Request("sub_a", "req_sub_a", 12, 1000));
  EXPECT_EQ(Must(store_->ListRequestEvents("req_sub_a")).size(), 1u);

  // The other subject is untouched.
  ExpectSame(Must(store_->FindSubject("sub_b")), SubjectRow{"sub_b", 1, 1, "staff", std::nullopt, 500, 2});
  EXPECT_EQ(Must(store_->ListFields("sub_b")).size(), 2u);
  EXPECT_EQ(Must(store_->ListFieldChanges("sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListRecords("sub_b", {})).size(), 2u);
  EXPECT_EQ(Must(store_->ListConsentEvents("sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListObjections("sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListRestrictions("sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListDisclosures("sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListReports("sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListSubjectMail("sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListVisitorLinks("vis_sub_b")).size(), 1u);
  EXPECT_EQ(Must(store_->ListVisitorConsents("vis_sub_b")).size(), 2u);
  EXPECT_EQ(ReadInWrite<std::optional<int64_t>>([](WriteTxn& txn) { return txn.AgreementEnd("sub_b"); }), 7);
  EXPECT_TRUE(ReadInWrite<std::optional<VerificationCodeRow>>([](WriteTxn& txn) {
                return txn.LatestVerificationCode("sub_b", "req_sub_b");
              }).has_value());
}

// An erasure needs an existing subject that is not erased yet; a refused erasure deletes nothing.
TEST_F(StoreContract, EraseSubjectRefusesUnknownAndErasedSubjects) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return Populate(txn, "sub_a"); })));
  ErasedCounts counts;
  Status unknown = Write([&](WriteTxn& txn) { return txn.EraseSubject("sub_x", 1000, &counts); });
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.reason(), "subject_not_found");
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) { return txn.EraseSubject("sub_a", 1000, &counts); })));
  Status again = Write([&](WriteTxn& txn) {
    ErasedCounts ignored;
    return txn.EraseSubject("sub_a", 2000, &ignored);
  });
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.reason(), "already_erased");
  EXPECT_EQ(Must(store_->FindSubject("sub_a")).value().erased_at, 1000);
}

// Destroying a data key keeps the legal-hold key (the row keeps only it) or drops the row; DeleteKeys drops it.
TEST_F(StoreContract, DestroyingADataKeyKeepsOnlyTheHoldKey) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({"sub_a", 2, Bytes("key a"), 1, Bytes("hold key"), 1}));
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({"sub_b", 1, Bytes("key"), 1, Bytes("hold key"), 1}));
    TILLIT_RETURN_IF_ERROR(txn.InsertDataKey({"sub_c", 2, Bytes("key c"), std::nullopt, {}, 3}));
    TILLIT_RETURN_IF_ERROR(txn.DestroyDataKey("sub_a"));
    return txn.DestroyDataKey("sub_c");
  })));
  // The data wrapping is gone; kek_version follows the hold key's, so rotation finds nothing left in it.
  const DataKeyRow hold_only{"sub_a", 1, {}, 1, Bytes("hold key"), 1};
  ExpectSame(Must(store_->FindDataKey("sub_a")), hold_only);
  ExpectSame(ReadInWrite<std::optional<DataKeyRow>>([](WriteTxn& txn) { return txn.DataKey("sub_a"); }), hold_only);
  EXPECT_FALSE(Must(store_->FindDataKey("sub_c")).has_value());
  ExpectSame(Must(store_->FindDataKey("sub_b")), DataKeyRow{"sub_b", 1, Bytes("key"), 1, Bytes("hold key"), 1});
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.DeleteKeys("sub_a"); })));
  EXPECT_FALSE(Must(store_->FindDataKey("sub_a")).has_value());
  EXPECT_FALSE(ReadInWrite<std::optional<DataKeyRow>>([](WriteTxn& txn) { return txn.DataKey("sub_a"); }).has_value());
}

// Unerased subjects whose time is up are listed soonest first; setting retention keeps the last activity unless given.
TEST_F(StoreContract, ExpiredSubjectsAreListedSoonestFirst) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    for (const char* id : {"sub_a", "sub_b", "sub_c", "sub_d"}) {
      TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject(id, 1)));
    }
    SubjectRow erased = Subject("sub_e", 1);
    erased.erased_at = 5;
    TILLIT_RETURN_IF_ERROR(txn.InsertSubject(erased));
    TILLIT_RETURN_IF_ERROR(txn.SetSubjectRetention("sub_a", 100, 50));
    TILLIT_RETURN_IF_ERROR(txn.SetSubjectRetention("sub_b", 90, std::nullopt));
    TILLIT_RETURN_IF_ERROR(txn.SetSubjectRetention("sub_c", 101, std::nullopt));
    return txn.SetSubjectRetention("sub_e", 10, std::nullopt);
  })));
  Status missing = Write([](WriteTxn& txn) { return txn.SetSubjectRetention("sub_x", 1, 1); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.reason(), "subject_not_found");

  ExpectSame(Must(store_->ListExpiredSubjects(100, 10)),
             {SubjectRow{"sub_b", 1, 1, "staff", std::nullopt, 90, std::nullopt},
              SubjectRow{"sub_a", 1, 1, "staff", std::nullopt, 100, 50}});  // at or before; the erased one never
  EXPECT_THAT(Pluck(Must(store_->ListExpiredSubjects(100, 1)), &SubjectRow::id), ElementsAre("sub_b"));
  EXPECT_THAT(Must(store_->ListExpiredSubjects(89, 10)), IsEmpty());

  // Without a new activity time the last one stays; without an expiry the subject no longer expires.
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.SetSubjectRetention("sub_a", std::nullopt, std::nullopt); })));
  ExpectSame(Must(store_->FindSubject("sub_a")), SubjectRow{"sub_a", 1, 1, "staff", std::nullopt, std::nullopt, 50});
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.SetSubjectRetention("sub_b", 95, 60); })));
  ExpectSame(Must(store_->ListExpiredSubjects(100, 10)), {SubjectRow{"sub_b", 1, 1, "staff", std::nullopt, 95, 60}});
}

// Records whose payload or hold fields expired are listed once each; stripping and deleting act on one record.
TEST_F(StoreContract, ExpiredRecordsAreListedAndStrippedOrDeleted) {
  RecordRow payload_expired = Record("sub_a", "rec_1", "order", 1);
  payload_expired.expires_at = 100;
  RecordRow hold_expired = HeldRecord("sub_a", "rec_2", 2, 100);
  RecordRow both_expired = HeldRecord("sub_a", "rec_3", 3, 60);
  both_expired.expires_at = 50;
  RecordRow not_yet = HeldRecord("sub_a", "rec_4", 4, 200);
  not_yet.expires_at = 101;
  RecordRow never = Record("sub_a", "rec_5", "order", 5);
  RecordRow other = Record("sub_b", "rec_1", "order", 6);
  other.expires_at = 10;
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    for (const auto* r : {&payload_expired, &hold_expired, &both_expired, &not_yet, &never, &other}) {
      TILLIT_RETURN_IF_ERROR(txn.InsertRecord(*r));
    }
    return Status::Ok();
  })));
  auto expired = [&](int64_t now, size_t limit) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : Must(store_->ListExpiredRecords(now, limit))) out.emplace_back(r.subject_id, r.record_id);
    return out;
  };
  using Id = std::pair<std::string, std::string>;
  EXPECT_THAT(expired(100, 10), UnorderedElementsAre(Id{"sub_a", "rec_1"}, Id{"sub_a", "rec_2"}, Id{"sub_a", "rec_3"},
                                                     Id{"sub_b", "rec_1"}));
  EXPECT_EQ(expired(100, 2).size(), 2u);
  EXPECT_THAT(expired(9, 10), IsEmpty());
  for (const auto& r : Must(store_->ListExpiredRecords(100, 10))) {
    if (r.record_id == "rec_3") ExpectSame(r, both_expired);
  }

  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.SetRecordExpiry("sub_a", "rec_4", 100, std::nullopt); })));
  RecordRow moved = not_yet;
  moved.expires_at = 100;
  moved.hold_expires_at = std::nullopt;
  ExpectSame(Must(store_->FindRecord("sub_a", "rec_4")), moved);
  EXPECT_EQ(expired(100, 10).size(), 5u);
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.SetRecordExpiry("sub_a", "rec_9", 1, 1); }).reason(),
            "record_not_found");

  // Stripping drops the payload and reference (the hold fields stay); stripping the hold drops only those.
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.CountHoldRecords("sub_a"); }), 3);
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.StripRecord("sub_a", "rec_3"); })));
  RecordRow stripped = both_expired;
  stripped.payload.clear();
  stripped.reference.clear();
  stripped.expires_at = std::nullopt;
  ExpectSame(Must(store_->FindRecord("sub_a", "rec_3")), stripped);
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.StripRecordHold("sub_a", "rec_2"); })));
  RecordRow unheld = hold_expired;
  unheld.hold.clear();
  unheld.hold_expires_at = std::nullopt;
  ExpectSame(Must(store_->FindRecord("sub_a", "rec_2")), unheld);
  EXPECT_EQ(ReadInWrite<int64_t>([](WriteTxn& txn) { return txn.CountHoldRecords("sub_a"); }), 2);
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.StripRecord("sub_a", "rec_9"); }).reason(), "record_not_found");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.StripRecordHold("sub_b", "rec_3"); }).reason(), "record_not_found");

  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) { return txn.DeleteRecord("sub_a", "rec_1"); })));
  EXPECT_FALSE(Must(store_->FindRecord("sub_a", "rec_1")).has_value());
  ExpectSame(Must(store_->FindRecord("sub_b", "rec_1")), other);
}

// An agreement's end is recorded once per ref; the subject's agreement end is the latest.
TEST_F(StoreContract, AgreementsEndOnceAndTheLatestEndCounts) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.EndAgreement({"sub_a", "sub-1", 100}));
    TILLIT_RETURN_IF_ERROR(txn.EndAgreement({"sub_a", "sub-1", 300}));  // ended again: the first end stays
    TILLIT_RETURN_IF_ERROR(txn.EndAgreement({"sub_a", "sub-2", 150}));
    return txn.EndAgreement({"sub_b", "sub-1", 500});
  })));
  auto end = [&](const std::string& subject) {
    return ReadInWrite<std::optional<int64_t>>([&](WriteTxn& txn) { return txn.AgreementEnd(subject); });
  };
  EXPECT_EQ(end("sub_a"), 150);
  EXPECT_EQ(end("sub_b"), 500);
  EXPECT_FALSE(end("sub_c").has_value());
}

// --- Operations and maintenance -------------------------------------------------------------------------------------

// The operator's counts: queued mail and its oldest, mail given up, dead deliveries, open requests overdue.
TEST_F(StoreContract, CountOperationsCountsWhatAnOperatorWatches) {
  ExpectSame(Must(store_->CountOperations(150)), OperationsCounts{});
  MailRow failed = Mail("sub_a", "mail_3", 5, 5);
  failed.status = "failed";
  MailRow sent = Mail("sub_a", "mail_4", 1, 1);
  sent.status = "sent";
  WebhookDeliveryRow dead1 = Delivery("dlv_1", 1, 1), dead2 = Delivery("dlv_2", 2, 2), done = Delivery("dlv_3", 3, 3);
  dead1.status = dead2.status = "dead";
  done.status = "delivered";
  RightsRequestRow closed = Request("sub_a", "req_3", 3, 50);
  closed.status = "completed";
  closed.closed_at = 60;
  ASSERT_TRUE(IsOk(Write([&](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.PutMail(Mail("sub_a", "mail_1", 30, 30)));
    TILLIT_RETURN_IF_ERROR(txn.PutMail(Mail("", "mail_2", 20, 40)));
    TILLIT_RETURN_IF_ERROR(txn.PutMail(failed));
    TILLIT_RETURN_IF_ERROR(txn.PutMail(sent));
    for (const auto* d : {&dead1, &dead2, &done}) TILLIT_RETURN_IF_ERROR(txn.InsertWebhookDelivery(*d));
    TILLIT_RETURN_IF_ERROR(txn.InsertWebhookDelivery(Delivery("dlv_4", 4, 4)));
    TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(Request("sub_a", "req_1", 1, 100)));
    TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(Request("sub_b", "req_2", 2, 150)));  // due at now: not over
    TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(Request("sub_c", "req_4", 4, 200)));
    return txn.PutRightsRequest(closed);
  })));
  ExpectSame(Must(store_->CountOperations(150)), OperationsCounts{2, 20, 1, 2, 1});
  ExpectSame(Must(store_->CountOperations(1000)), OperationsCounts{2, 20, 1, 2, 3});
}

// The schema is at the last migration of the backend; the two backends' schemas carry the same version.
TEST_F(StoreContract, SchemaVersionIsTheLastMigration) {
  const int version = Must(store_->SchemaVersion());
  EXPECT_EQ(version,
            testing::UsingPostgres() ? PostgresDataMigrations().back().version : SqliteDataMigrations().back().version);
  EXPECT_EQ(SqliteDataMigrations().back().version, PostgresDataMigrations().back().version);
}

// Checkpoint and Compact succeed on a working store and say what they did.
TEST_F(StoreContract, CheckpointAndCompactSucceedAndSayWhatTheyDid) {
  ASSERT_TRUE(IsOk(Write([](WriteTxn& txn) {
    return txn.PutField({"sub_a", "identity.name", Bytes("x"), "staff", 1, 1});
  })));
  std::string note;
  EXPECT_TRUE(IsOk(store_->Checkpoint(&note)));
  EXPECT_FALSE(note.empty());
  note.clear();
  EXPECT_TRUE(IsOk(store_->Compact({"subject_fields"}, &note)));
  EXPECT_FALSE(note.empty());
  EXPECT_TRUE(IsOk(store_->Checkpoint(nullptr)));
  EXPECT_EQ(Must(store_->ListFields("sub_a")).size(), 1u);
}

}  // namespace
}  // namespace tillit::store
