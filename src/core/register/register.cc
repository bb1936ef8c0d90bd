#include "core/register/register.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "config/countries.h"
#include "core/consent/prohibitions.h"
#include "core/register/retention.h"
#include "core/disclosure/webhooks.h"
#include "crypto/sealing.h"
#include "util/text.h"

namespace tillit::core {
namespace {

using nlohmann::json;

// The store's index kinds are the crypto layer's, value for value.
static_assert(static_cast<int>(store::IndexKind::kEmail) == static_cast<int>(crypto::IndexKind::kEmail));
static_assert(static_cast<int>(store::IndexKind::kPhone) == static_cast<int>(crypto::IndexKind::kPhone));
static_assert(static_cast<int>(store::IndexKind::kCustomerNumber) ==
              static_cast<int>(crypto::IndexKind::kCustomerNumber));
static_assert(static_cast<int>(store::IndexKind::kSuppression) == static_cast<int>(crypto::IndexKind::kSuppression));
static_assert(static_cast<int>(store::IndexKind::kLogin) == static_cast<int>(crypto::IndexKind::kLogin));

constexpr size_t kMaxFieldBytes = 64 * 1024;
constexpr size_t kMaxPayloadBytes = 256 * 1024;
constexpr size_t kMaxIdentifierBytes = 320;
constexpr size_t kMaxReferenceBytes = 256;

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    out += item;
  }
  return out;
}

std::string ReferenceAad(std::string_view subject_id, std::string_view record_id) {
  return crypto::SealAad(subject_id, std::string(record_id) + "#ref");
}

std::string HoldAad(std::string_view subject_id, std::string_view record_id) {
  return crypto::SealAad(subject_id, std::string(record_id) + "#hold");
}

Status Erased(const store::SubjectRow& subject) {
  return Status::NotFound("the subject was erased on " + FormatRfc3339(FromMicros(*subject.erased_at)) +
                              "; only accounting fields under legal hold remain, for the purposes accounting and "
                              "legal_claims",
                          "subject_erased");
}

bool HoldPurpose(std::string_view purpose) { return purpose == "accounting" || purpose == config::kLegalClaims; }

const IdentifierSpec* IdentifierOfCategory(std::string_view category) {
  for (const auto& spec : Identifiers()) {
    if (spec.category == category) return &spec;
  }
  return nullptr;
}

// The keyset cursor "<created_at>.<id>" (subjects) or "<occurred_at>.<record id>" (records).
std::string EncodeCursor(int64_t at, std::string_view id) { return std::to_string(at) + "." + std::string(id); }

Result<std::pair<int64_t, std::string>> DecodeCursor(std::string_view cursor) {
  const size_t dot = cursor.find('.');
  int64_t at = 0;
  if (dot != std::string_view::npos) {
    auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + dot, at);
    if (ec == std::errc() && end == cursor.data() + dot && dot + 1 < cursor.size()) {
      return std::make_pair(at, std::string(cursor.substr(dot + 1)));
    }
  }
  return Status::InvalidArgument("the cursor is not one this server gave out; start again without it",
                                 "invalid_cursor");
}

}  // namespace

constexpr std::string_view kPhoneCategory = "contact.phone";
constexpr std::string_view kAddressCategory = "contact.address";

PostalParts PostalPartsOf(const json& address) {
  PostalParts parts;
  if (!address.is_object()) return parts;
  auto first = [&](std::initializer_list<const char*> keys) -> std::string {
    for (const char* key : keys) {
      auto it = address.find(key);
      if (it != address.end() && it->is_string()) return it->get<std::string>();
    }
    return "";
  };
  parts.street = first({"street", "street_address", "line1"});
  parts.postal_code = first({"postal_code", "postcode", "zip"});
  parts.country = first({"country"});
  for (char& c : parts.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!config::IsKnownCountryCode(parts.country)) parts.country.clear();
  return parts;
}

std::string SubjectCountry(const std::optional<std::string>& phone, const std::optional<std::string>& address) {
  if (address) {
    std::string country = PostalPartsOf(json::parse(*address, nullptr, false)).country;
    if (!country.empty()) return country;
  }
  if (phone) {
    json value = json::parse(*phone, nullptr, false);
    if (value.is_string()) return crypto::PhoneRegion(value.get<std::string>());
  }
  return "";
}

std::vector<std::pair<store::IndexKind, std::vector<uint8_t>>> DerivedIndexes(
    const crypto::BlindIndexer& indexer, std::string_view controller_country, const std::optional<std::string>& phone,
    const std::optional<std::string>& address) {
  std::vector<std::pair<store::IndexKind, std::vector<uint8_t>>> out;
  if (address) {
    const PostalParts parts = PostalPartsOf(json::parse(*address, nullptr, false));
    // An address without a country is taken to be in the controller's country, as the shop's forms assume.
    auto postal = crypto::NormalisePostalAddress(parts.street, parts.postal_code,
                                                 parts.country.empty() ? controller_country : parts.country);
    if (postal.ok())
      out.emplace_back(store::IndexKind::kPostalAddress, indexer.Index(crypto::IndexKind::kPostalAddress, *postal));
  }
  const std::string country = SubjectCountry(phone, address);
  if (!country.empty())
    out.emplace_back(store::IndexKind::kCountry, indexer.Index(crypto::IndexKind::kCountry, country));
  return out;
}

const std::vector<IdentifierSpec>& Identifiers() {
  static const std::vector<IdentifierSpec> kSpecs = {
      {"email", "contact.email", store::IndexKind::kEmail, true},
      {"phone", "contact.phone", store::IndexKind::kPhone, false},
      {"customer_number", "account.customer_number", store::IndexKind::kCustomerNumber, true},
      {"login", "account.login", store::IndexKind::kLogin, true},
  };
  return kSpecs;
}

const IdentifierSpec* FindIdentifier(std::string_view name) {
  for (const auto& spec : Identifiers()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

const std::vector<std::string>& BuiltinSources() {
  static const std::vector<std::string> kSources = {"subject", "staff", "import", "shop", "observed"};
  return kSources;
}

// A new subject, sealed and indexed, ready for one write.
struct Register::SealedSubject {
  store::SubjectRow subject;
  store::DataKeyRow key;
  std::vector<store::FieldRow> fields;
  std::vector<std::pair<const IdentifierSpec*, std::vector<uint8_t>>> indexes;
  std::vector<std::pair<store::IndexKind, std::vector<uint8_t>>> derived;  // DerivedIndexes
  // For the decision index: the subject's country and the opt-out registers listing its phone or address.
  std::string country;
  std::vector<std::pair<std::string, store::IndexKind>> listed;
  std::vector<store::FieldChangeRow> changes;
  std::vector<std::string> names;
  // Objections an opt-out made before the sign-up carries over (the address is on the suppression list).
  std::vector<store::ObjectionRow> objections;
};

// A stored subject with its data key and its fields opened.
struct Register::OpenedSubject {
  store::SubjectRow subject;
  std::vector<std::pair<store::FieldRow, json>> fields;
};

Register::Register(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
                   const crypto::BlindIndexer& indexer, Clock& clock, Random& random, DecisionIndex* decisions)
    : config_(std::move(config)),
      store_(store),
      keyring_(keyring),
      indexer_(indexer),
      clock_(clock),
      random_(random),
      decisions_(decisions) {}

Status Register::CheckDecision(std::string_view subject_id, std::string_view purpose) const {
  if (decisions_ == nullptr) return Status::Ok();
  TILLIT_ASSIGN_OR_RETURN(Decision d, decisions_->Decide(subject_id, purpose, "", clock_.Now()));
  if (d.allow) return Status::Ok();
  return Status::FailedPrecondition("the decision for purpose '" + std::string(purpose) +
                                        "' denies using this subject's data: " + std::string(d.rule),
                                    std::string(d.rule));
}

Result<const config::Purpose*> Register::PurposeOf(std::string_view purpose) const {
  const config::Purpose* p = config_->FindPurpose(purpose);
  if (p == nullptr) return config_->UnknownPurpose(purpose);
  return p;
}

Status Register::CheckSource(std::string_view source) const {
  if (std::find(BuiltinSources().begin(), BuiltinSources().end(), source) != BuiltinSources().end()) {
    return Status::Ok();
  }
  for (const auto& s : config_->sources) {
    if (s.id == source) return Status::Ok();
  }
  std::string known = Join(BuiltinSources());
  for (const auto& s : config_->sources) known += "," + s.id;
  return Status::InvalidArgument("unknown source '" + std::string(source) + "'; use one of " + known, "unknown_source");
}

// Checks that `category` may be held: it is declared in the configuration.
static Status CheckCategory(const config::Config& config, std::string_view category, std::string_view where) {
  if (config.FindCategory(category) != nullptr) return Status::Ok();
  std::vector<std::string> declared;
  for (const auto& c : config.categories) declared.push_back(c.id);
  const std::string nearest = ClosestMatch(category, declared);
  return Status::InvalidArgument(std::string(where) + ": '" + std::string(category) +
                                     "' is not a category this shop declares; " +
                                     (nearest.empty() ? std::string("add it to `categories` in the configuration or "
                                                                    "leave it out")
                                                      : "did you mean '" + nearest +
                                                            "'? (or add it to `categories` in the configuration)"),
                                 "unknown_category");
}

// The value as stored: e-mail lowercased and trimmed, phone in E.164, others trimmed. InvalidArgument when it is
// not a usable identifier.
static Result<std::string> NormaliseIdentifier(const IdentifierSpec& spec, std::string_view raw,
                                               std::string_view region) {
  if (raw.size() > kMaxIdentifierBytes) {
    return Status::InvalidArgument("identifiers." + std::string(spec.name) + " is too long", "invalid_identifier");
  }
  std::string value;
  switch (spec.index) {
    case store::IndexKind::kEmail:
      value = crypto::NormaliseEmail(raw);
      if (value.find('@') == std::string::npos || value.front() == '@' || value.back() == '@' ||
          value.find('@') != value.rfind('@') ||
          std::any_of(value.begin(), value.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
        return Status::InvalidArgument("identifiers.email is not an e-mail address", "invalid_email");
      }
      return value;
    case store::IndexKind::kPhone: {
      auto phone = crypto::NormalisePhone(raw, region);
      if (!phone.ok()) {
        return Status::InvalidArgument(
            "identifiers.phone is not a valid phone number; give it with its country code, e.g. +47 912 34 567",
            "invalid_phone");
      }
      return *phone;
    }
    default:
      value = crypto::NormaliseCustomerNumber(raw);
      if (value.empty()) {
        return Status::InvalidArgument("identifiers." + std::string(spec.name) + " is empty", "invalid_identifier");
      }
      return value;
  }
}

Result<std::vector<uint8_t>> Register::IndexOf(const IdentifierSpec& spec, std::string_view normalised) const {
  return indexer_.Index(static_cast<crypto::IndexKind>(spec.index), normalised);
}

Result<Register::SealedSubject> Register::SealNew(const SubjectInput& input) {
  TILLIT_RETURN_IF_ERROR(CheckSource(input.source));
  for (const auto& [name, source] : input.sources) {
    if (FindIdentifier(name) == nullptr && !input.fields.contains(name)) {
      return Status::InvalidArgument("sources." + name + " names neither an identifier nor a field of this subject",
                                     "invalid_source");
    }
    TILLIT_RETURN_IF_ERROR(CheckSource(source));
  }
  if (input.identifiers.empty() && input.fields.empty()) {
    return Status::InvalidArgument("a subject needs at least one identifier or field", "empty_subject");
  }
  const int64_t now = ToMicros(clock_.Now());
  const int64_t collected = input.collected_at.value_or(now);
  SealedSubject out;
  out.subject.id = random_.NewId("sub_");
  out.subject.created_at = now;
  out.subject.updated_at = now;
  out.subject.source = input.source;
  TILLIT_ASSIGN_OR_RETURN(auto key, keyring_.NewDataKey(out.subject.id, crypto::KeyKind::kData, random_));
  out.key = {out.subject.id, key.second.kek_version, key.second.wrapped, std::nullopt, {}, now};

  auto add = [&](std::string_view name, std::string_view category, const std::string& plaintext) {
    auto source_it = input.sources.find(std::string(name));
    const std::string& source = source_it != input.sources.end() ? source_it->second : input.source;
    store::FieldRow field{out.subject.id, std::string(category), {}, source, collected, now};
    field.sealed = crypto::Seal(key.first, crypto::SealAad(out.subject.id, category), plaintext, random_);
    out.fields.push_back(std::move(field));
    out.changes.push_back(
        {out.subject.id, random_.NewId("chg_"), std::string(category), "collected", {}, now, "", source});
    out.names.emplace_back(category);
  };
  for (const auto& [name, raw] : input.identifiers) {
    const IdentifierSpec* spec = FindIdentifier(name);
    if (spec == nullptr) {
      return Status::InvalidArgument("unknown identifier '" + name + "'; use email, phone, customer_number or login",
                                     "unknown_identifier");
    }
    TILLIT_RETURN_IF_ERROR(CheckCategory(*config_, spec->category, "identifiers." + name));
    TILLIT_ASSIGN_OR_RETURN(std::string value, NormaliseIdentifier(*spec, raw, config_->controller.country));
    TILLIT_ASSIGN_OR_RETURN(auto index, IndexOf(*spec, value));
    out.indexes.emplace_back(spec, std::move(index));
    add(name, spec->category, json(value).dump());
  }
  for (const auto& [category, value] : input.fields) {
    if (const IdentifierSpec* spec = IdentifierOfCategory(category)) {
      return Status::InvalidArgument(
          "fields." + category + " is an identifier: send it as identifiers." + std::string(spec->name),
          "identifier_as_field");
    }
    TILLIT_RETURN_IF_ERROR(CheckCategory(*config_, category, "fields." + category));
    if (value.is_null()) {
      return Status::InvalidArgument("fields." + category + " is null; leave the field out instead", "invalid_field");
    }
    std::string plaintext = value.dump();
    if (plaintext.size() > kMaxFieldBytes) {
      return Status::InvalidArgument("fields." + category + " is larger than 64 KiB", "field_too_large");
    }
    add(category, category, plaintext);
  }
  std::optional<std::string> phone, address;
  if (auto it = input.identifiers.find("phone"); it != input.identifiers.end()) {
    auto normalised = crypto::NormalisePhone(it->second, config_->controller.country);
    if (normalised.ok()) phone = json(*normalised).dump();
  }
  if (auto it = input.fields.find(std::string(kAddressCategory)); it != input.fields.end()) address = it->second.dump();
  out.derived = DerivedIndexes(indexer_, config_->controller.country, phone, address);
  out.country = SubjectCountry(phone, address);
  if (decisions_ != nullptr) {
    std::vector<std::pair<store::IndexKind, std::vector<uint8_t>>> values;
    for (const auto& [spec, value] : out.indexes) {
      if (spec->index == store::IndexKind::kPhone) values.emplace_back(spec->index, value);
    }
    for (const auto& [kind, value] : out.derived) {
      if (kind == store::IndexKind::kPostalAddress) values.emplace_back(kind, value);
    }
    for (const auto& [kind, value] : values) {
      TILLIT_ASSIGN_OR_RETURN(auto registers, store_.FindOptOutRegisters(kind, value));
      for (auto& r : registers) out.listed.emplace_back(std::move(r), kind);
    }
  }
  return out;
}

void Register::Create(SubjectInput input, Actor actor, Done<std::string> done) {
  auto sealed = SealNew(input);
  if (!sealed.ok()) return done(sealed.status());
  if (auto it = input.identifiers.find("email"); it != input.identifiers.end()) {
    auto owners =
        store_.FindSharedIndex(store::IndexKind::kSuppression,
                               indexer_.Index(crypto::IndexKind::kSuppression, crypto::NormaliseEmail(it->second)));
    if (!owners.ok()) return done(owners.status());
    std::set<std::string> opted_out;
    bool erased = false;
    for (const auto& owner : *owners) {
      if (owner.rfind(kOptOutOwner, 0) != 0) {
        erased = true;
        continue;
      }
      for (auto& channel : SplitList(std::string_view(owner).substr(kOptOutOwner.size()))) {
        if (config::ParseChannel(channel)) opted_out.insert(std::move(channel));
      }
    }
    // An import must not put an erased person back: their e-mail's keyed hash is on the suppression list.
    if (erased && (input.source == "import" || actor.name == "import")) {
      return done(
          Status::Conflict("this e-mail address belongs to a person whose data was erased; it is on the "
                           "suppression list and is not imported again",
                           "suppressed"));
    }
    // An opt-out sent from this address before the sign-up stands: the subject starts objecting to those channels.
    for (const auto& channel : opted_out) {
      store::ObjectionRow o;
      o.subject_id = sealed->subject.id;
      o.objection_id = random_.NewId("obj_");
      o.channel = channel;
      o.status = "active";
      o.method = "email";
      o.at = sealed->subject.created_at;
      o.actor = actor.name;
      sealed->objections.push_back(std::move(o));
    }
  }
  auto shared = std::make_shared<SealedSubject>(std::move(*sealed));
  for (auto& change : shared->changes) change.actor = actor.name;
  const int64_t now = shared->subject.created_at;
  AuditEvent event{std::move(actor), "", "subject.create", shared->subject.id, "fields=" + Join(shared->names)};
  store_.Write(
      [this, shared, event, now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.InsertSubject(shared->subject));
        TILLIT_RETURN_IF_ERROR(txn.InsertDataKey(shared->key));
        for (const auto& [spec, value] : shared->indexes) {
          if (spec->unique) {
            TILLIT_RETURN_IF_ERROR(txn.ClaimUniqueIndex(spec->index, value, shared->subject.id));
          } else {
            TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(spec->index, value, shared->subject.id));
          }
        }
        for (const auto& [kind, value] : shared->derived) {
          TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(kind, value, shared->subject.id));
        }
        for (const auto& field : shared->fields) TILLIT_RETURN_IF_ERROR(txn.PutField(field));
        for (const auto& change : shared->changes) TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(change));
        TILLIT_RETURN_IF_ERROR(RefreshSubjectExpiry(*config_, txn, shared->subject.id, now, now));
        TILLIT_RETURN_IF_ERROR(txn.AppendDecisionChange(shared->subject.id, now));
        for (const auto& o : shared->objections) {
          TILLIT_RETURN_IF_ERROR(txn.InsertObjection(o));
          TILLIT_RETURN_IF_ERROR(AppendAudit(txn,
                                             {event.actor, "", "objection.record", o.subject_id,
                                              "objection=" + o.objection_id + " channel=" + o.channel +
                                                  " from=suppression_list"},
                                             now));
        }
        return AppendAudit(txn, event, now);
      },
      [this, shared, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        if (decisions_ != nullptr) {
          decisions_->AddSubject(shared->subject.id);
          if (!shared->country.empty() || !shared->listed.empty()) {
            decisions_->SetMarketingFacts(shared->subject.id, shared->country, shared->listed);
          }
          for (const auto& o : shared->objections) decisions_->ApplyObjection(o);
        }
        done(shared->subject.id);
      });
}

void Register::SuppressOptOut(std::string email, std::vector<std::string> channels, Actor actor, Done<bool> done) {
  const std::string normalised = crypto::NormaliseEmail(email);
  if (normalised.find('@') == std::string::npos) {
    return done(Status::InvalidArgument("not an e-mail address", "invalid_email"));
  }
  std::set<std::string> known;
  for (const auto& c : channels) {
    if (!config::ParseChannel(c)) {
      return done(Status::InvalidArgument("channels must be email, sms, phone or post", "invalid_channel"));
    }
    known.insert(c);
  }
  if (known.empty()) return done(false);
  auto owner = store_.FindUniqueIndex(store::IndexKind::kEmail, indexer_.Index(crypto::IndexKind::kEmail, normalised));
  if (!owner.ok()) return done(owner.status());
  if (*owner) return done(false);  // a subject has it: the objection request records the opt-out
  std::string id(kOptOutOwner);
  for (const auto& c : known) id += (id.size() == kOptOutOwner.size() ? "" : ",") + c;
  auto value = std::make_shared<std::vector<uint8_t>>(indexer_.Index(crypto::IndexKind::kSuppression, normalised));
  const int64_t now = ToMicros(clock_.Now());
  store_.Write(
      [value, id, actor, now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(store::IndexKind::kSuppression, *value, id));
        return AppendAudit(txn, {actor, "", "suppression.add", "", "owner=" + id}, now);
      },
      [done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(true);
      });
}

Result<crypto::SecretKey> Register::DataKeyOf(std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindDataKey(subject_id));
  if (!row || row->wrapped.empty()) {
    TILLIT_ASSIGN_OR_RETURN(auto subject, store_.FindSubject(subject_id));
    if (subject && subject->erased_at) return Erased(*subject);
    return Status::NotFound("no subject with this id", "subject_not_found");
  }
  return keyring_.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{row->kek_version, row->wrapped});
}

Result<Register::OpenedSubject> Register::OpenSubject(std::string_view id) {
  TILLIT_ASSIGN_OR_RETURN(auto subject, store_.FindSubject(id));
  if (!subject) return Status::NotFound("no subject with this id", "subject_not_found");
  if (subject->erased_at) return Erased(*subject);
  TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey key, DataKeyOf(id));
  TILLIT_ASSIGN_OR_RETURN(auto fields, store_.ListFields(id));
  OpenedSubject out{std::move(*subject), {}};
  for (auto& field : fields) {
    TILLIT_ASSIGN_OR_RETURN(std::string plaintext, crypto::Open(key, crypto::SealAad(id, field.field), field.sealed));
    json value = json::parse(plaintext, nullptr, false);
    if (value.is_discarded()) return Status::Internal("a stored field does not hold JSON");
    out.fields.emplace_back(std::move(field), std::move(value));
  }
  return out;
}

Result<SubjectView> Register::ViewOf(const OpenedSubject& opened, const config::Purpose& purpose) {
  SubjectView view;
  view.subject = opened.subject;
  for (const auto& [row, value] : opened.fields) {
    if (!purpose.UsesCategory(row.field)) {
      view.withheld.push_back(row.field);
      continue;
    }
    FieldValue fv{value, row.source, row.collected_at, row.updated_at};
    if (const IdentifierSpec* spec = IdentifierOfCategory(row.field)) {
      view.identifiers.emplace(std::string(spec->name), std::move(fv));
    } else {
      view.fields.emplace(row.field, std::move(fv));
    }
  }
  return view;
}

static std::string ShownDetail(const SubjectView& view) {
  std::vector<std::string> shown;
  for (const auto& [name, _] : view.identifiers) shown.emplace_back(FindIdentifier(name)->category);
  for (const auto& [category, _] : view.fields) shown.push_back(category);
  return "categories=" + Join(shown);
}

template <typename T>
void Register::AuditThen(std::vector<AuditEvent> events, T value, Done<T> done) {
  auto shared = std::make_shared<T>(std::move(value));
  const int64_t now = ToMicros(clock_.Now());
  store_.Write(
      [events = std::move(events), now](store::WriteTxn& txn) -> Status {
        for (const auto& e : events) TILLIT_RETURN_IF_ERROR(AppendAudit(txn, e, now));
        return Status::Ok();
      },
      [shared, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(std::move(*shared));
      });
}

void Register::Get(std::string id, Actor actor, std::string purpose, Done<SubjectView> done) {
  auto p = PurposeOf(purpose);
  if (!p.ok()) return done(p.status());
  auto opened = OpenSubject(id);
  if (!opened.ok()) return done(opened.status());
  if (Status s = CheckDecision(id, purpose); !s.ok()) return done(s);
  auto view = ViewOf(*opened, **p);
  if (!view.ok()) return done(view.status());
  std::vector<AuditEvent> events{{std::move(actor), std::move(purpose), "subject.read", id, ShownDetail(*view)}};
  AuditThen<SubjectView>(std::move(events), std::move(*view), std::move(done));
}

void Register::Find(std::string name, std::string value, Actor actor, std::string purpose,
                    Done<std::vector<SubjectView>> done) {
  auto p = PurposeOf(purpose);
  if (!p.ok()) return done(p.status());
  const IdentifierSpec* spec = FindIdentifier(name);
  if (spec == nullptr) {
    return done(Status::InvalidArgument("look up by email, phone, customer_number or login", "unknown_identifier"));
  }
  auto normalised = NormaliseIdentifier(*spec, value, config_->controller.country);
  if (!normalised.ok()) return done(normalised.status());
  auto index = IndexOf(*spec, *normalised);
  if (!index.ok()) return done(index.status());
  std::vector<std::string> ids;
  if (spec->unique) {
    auto owner = store_.FindUniqueIndex(spec->index, *index);
    if (!owner.ok()) return done(owner.status());
    if (*owner) ids.push_back(**owner);
  } else {
    auto owners = store_.FindSharedIndex(spec->index, *index);
    if (!owners.ok()) return done(owners.status());
    ids = std::move(*owners);
  }
  std::vector<SubjectView> views;
  std::vector<AuditEvent> events;
  Status denied = Status::Ok();
  for (const auto& id : ids) {
    if (Status s = CheckDecision(id, purpose); !s.ok()) {
      if (s.code() != StatusCode::kFailedPrecondition) return done(s);
      denied = s;  // this subject's data may not be used for the purpose: left out
      continue;
    }
    auto opened = OpenSubject(id);
    if (!opened.ok()) {
      if (opened.status().code() == StatusCode::kNotFound) continue;
      return done(opened.status());
    }
    auto view = ViewOf(*opened, **p);
    if (!view.ok()) return done(view.status());
    events.push_back({actor, purpose, "subject.find", id, "by=" + name + " " + ShownDetail(*view)});
    views.push_back(std::move(*view));
  }
  if (views.empty() && !denied.ok()) return done(denied);
  if (events.empty()) events.push_back({actor, purpose, "subject.find", "", "by=" + name + " found=0"});
  AuditThen<std::vector<SubjectView>>(std::move(events), std::move(views), std::move(done));
}

void Register::Patch(std::string id, json patch, Actor actor, Done<PatchResult> done) {
  if (!patch.is_object()) return done(Status::InvalidArgument("the patch must be a JSON object", "invalid_type"));
  std::string source = "subject";
  struct Change {
    std::string name;      // identifier name or category id
    std::string category;  // the stored field
    const IdentifierSpec* spec = nullptr;
    std::optional<std::string> plaintext;  // nullopt: remove
    std::vector<uint8_t> index;            // of the new identifier value
  };
  std::vector<Change> changes;
  for (const auto& [key, value] : patch.items()) {
    if (key == "source") {
      if (!value.is_string()) return done(Status::InvalidArgument("source must be a string", "invalid_type"));
      source = value.get<std::string>();
      if (Status s = CheckSource(source); !s.ok()) return done(s);
    } else if (key == "identifiers") {
      if (!value.is_object()) return done(Status::InvalidArgument("identifiers must be an object", "invalid_type"));
      for (const auto& [name, v] : value.items()) {
        const IdentifierSpec* spec = FindIdentifier(name);
        if (spec == nullptr) {
          return done(Status::InvalidArgument("unknown identifier '" + name + "'", "unknown_identifier"));
        }
        if (Status s = CheckCategory(*config_, spec->category, "identifiers." + name); !s.ok()) return done(s);
        Change c{name, std::string(spec->category), spec, std::nullopt, {}};
        if (!v.is_null()) {
          if (!v.is_string()) {
            return done(Status::InvalidArgument("identifiers." + name + " must be a string or null", "invalid_type"));
          }
          auto normalised = NormaliseIdentifier(*spec, v.get<std::string>(), config_->controller.country);
          if (!normalised.ok()) return done(normalised.status());
          auto index = IndexOf(*spec, *normalised);
          if (!index.ok()) return done(index.status());
          c.plaintext = json(*normalised).dump();
          c.index = std::move(*index);
        }
        changes.push_back(std::move(c));
      }
    } else if (key == "fields") {
      if (!value.is_object()) return done(Status::InvalidArgument("fields must be an object", "invalid_type"));
      for (const auto& [category, v] : value.items()) {
        if (const IdentifierSpec* spec = IdentifierOfCategory(category)) {
          return done(Status::InvalidArgument(
              "fields." + category + " is an identifier: patch identifiers." + std::string(spec->name),
              "identifier_as_field"));
        }
        if (Status s = CheckCategory(*config_, category, "fields." + category); !s.ok()) return done(s);
        Change c{category, category, nullptr, std::nullopt, {}};
        if (!v.is_null()) {
          c.plaintext = v.dump();
          if (c.plaintext->size() > kMaxFieldBytes) {
            return done(Status::InvalidArgument("fields." + category + " is larger than 64 KiB", "field_too_large"));
          }
        }
        changes.push_back(std::move(c));
      }
    } else {
      return done(Status::InvalidArgument("unknown key '" + key + "' in the patch; use identifiers, fields, source",
                                          "unknown_key"));
    }
  }
  auto subject = store_.FindSubject(id);
  if (!subject.ok()) return done(subject.status());
  if (!*subject) return done(Status::NotFound("no subject with this id", "subject_not_found"));
  if ((*subject)->erased_at) return done(Erased(**subject));
  auto key = DataKeyOf(id);
  if (!key.ok()) return done(key.status());

  // The recipients that received the subject's data hear of the rectification (Art. 19); the log is read here, the
  // changed categories are known in the write.
  auto read = WebhookTargetsOf(webhooks_, store_, id);
  if (!read.ok()) return done(read.status());
  auto targets = std::make_shared<WebhookTargets>(std::move(*read));

  auto shared_key = std::make_shared<crypto::SecretKey>(std::move(*key));
  auto result = std::make_shared<PatchResult>();
  auto decision_input = std::make_shared<bool>(false);
  result->id = id;
  const int64_t now = ToMicros(clock_.Now());
  result->updated_at = now;
  // The change is worked out on the writer thread, against the fields as they are at commit time, so two patches
  // of one subject never record a stale previous value.
  store_.Write(
      [this, id, changes = std::move(changes), source, actor, now, shared_key, result, decision_input,
       targets](store::WriteTxn& txn) -> Status {
        TILLIT_ASSIGN_OR_RETURN(auto current, txn.Fields(id));
        result->changed.clear();
        *decision_input = false;
        // The phone and the postal address as they were and as they become: what DerivedIndexes reads.
        std::optional<std::string> old_phone, old_address;
        for (const auto& f : current) {
          if (f.field != kPhoneCategory && f.field != kAddressCategory) continue;
          TILLIT_ASSIGN_OR_RETURN(std::string plain, crypto::Open(*shared_key, crypto::SealAad(id, f.field), f.sealed));
          (f.field == kPhoneCategory ? old_phone : old_address) = std::move(plain);
        }
        std::optional<std::string> new_phone = old_phone, new_address = old_address;
        for (const Change& c : changes) {
          auto it = std::find_if(current.begin(), current.end(),
                                 [&](const store::FieldRow& f) { return f.field == c.category; });
          std::optional<std::string> old;
          if (it != current.end()) {
            TILLIT_ASSIGN_OR_RETURN(std::string plain,
                                    crypto::Open(*shared_key, crypto::SealAad(id, c.category), it->sealed));
            old = std::move(plain);
          }
          if (old == c.plaintext) continue;  // nothing changes, nothing to record
          store::FieldChangeRow change{id, random_.NewId("chg_"), c.category, "", {}, now, actor.name, source};
          if (old) {
            change.action = c.plaintext ? "changed" : "removed";
            change.previous = crypto::Seal(*shared_key, crypto::SealAad(id, change.change_id), *old, random_);
            if (c.spec != nullptr) {
              json old_value = json::parse(*old, nullptr, false);
              if (old_value.is_string()) {
                TILLIT_ASSIGN_OR_RETURN(auto old_index, IndexOf(*c.spec, old_value.get<std::string>()));
                if (c.spec->unique) {
                  TILLIT_RETURN_IF_ERROR(txn.ReleaseUniqueIndex(c.spec->index, old_index, id));
                } else {
                  TILLIT_RETURN_IF_ERROR(txn.RemoveSharedIndex(c.spec->index, old_index, id));
                }
              }
            }
          } else {
            change.action = "collected";
          }
          if (c.plaintext) {
            if (c.spec != nullptr) {
              if (c.spec->unique) {
                TILLIT_RETURN_IF_ERROR(txn.ClaimUniqueIndex(c.spec->index, c.index, id));
              } else {
                TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(c.spec->index, c.index, id));
              }
            }
            store::FieldRow row{id, c.category, {}, source, old ? it->collected_at : now, now};
            row.sealed = crypto::Seal(*shared_key, crypto::SealAad(id, c.category), *c.plaintext, random_);
            TILLIT_RETURN_IF_ERROR(txn.PutField(row));
          } else {
            TILLIT_RETURN_IF_ERROR(txn.DeleteField(id, c.category));
          }
          TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(change));
          result->changed.push_back(c.name);
          if (c.category == kPhoneCategory) new_phone = c.plaintext;
          if (c.category == kAddressCategory) new_address = c.plaintext;
        }
        if (result->changed.empty()) return Status::Ok();
        if (new_phone != old_phone || new_address != old_address) {
          // The subject's country and register listings follow its phone and address.
          const auto& country = config_->controller.country;
          for (const auto& [kind, value] : DerivedIndexes(indexer_, country, old_phone, old_address)) {
            TILLIT_RETURN_IF_ERROR(txn.RemoveSharedIndex(kind, value, id));
          }
          for (const auto& [kind, value] : DerivedIndexes(indexer_, country, new_phone, new_address)) {
            TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(kind, value, id));
          }
          TILLIT_RETURN_IF_ERROR(txn.AppendDecisionChange(id, now));
          *decision_input = true;
        }
        TILLIT_RETURN_IF_ERROR(txn.TouchSubject(id, now));
        TILLIT_RETURN_IF_ERROR(RefreshSubjectExpiry(*config_, txn, id, now, now));
        std::vector<std::string> categories;
        for (const auto& name : result->changed) {
          const IdentifierSpec* spec = FindIdentifier(name);
          categories.emplace_back(spec != nullptr ? spec->category : name);
        }
        if (webhooks_ != nullptr) {
          targets->changed = categories;
          TILLIT_RETURN_IF_ERROR(
              webhooks_->Enqueue(txn, "subject.rectified", id, {{"categories", Join(categories)}}, targets.get()));
        }
        return AppendAudit(txn, {actor, "", "subject.update", id, "fields=" + Join(categories)}, now);
      },
      [this, id, result, decision_input, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        // A phone or address change is rare enough to reload the subject's decision inputs from the store here;
        // should it fail, the decision-change feed brings the subject round again.
        if (*decision_input && decisions_ != nullptr) (void)decisions_->Refresh(store_, id);
        done(std::move(*result));
      });
}

void Register::History(std::string id, Actor actor, std::string purpose, Done<std::vector<ChangeView>> done) {
  auto p = PurposeOf(purpose);
  if (!p.ok()) return done(p.status());
  auto subject = store_.FindSubject(id);
  if (!subject.ok()) return done(subject.status());
  if (!*subject) return done(Status::NotFound("no subject with this id", "subject_not_found"));
  if ((*subject)->erased_at) return done(Erased(**subject));
  if (Status s = CheckDecision(id, purpose); !s.ok()) return done(s);
  auto key = DataKeyOf(id);
  if (!key.ok()) return done(key.status());
  auto rows = store_.ListFieldChanges(id);
  if (!rows.ok()) return done(rows.status());
  std::vector<ChangeView> changes;
  std::vector<std::string> shown;
  for (const auto& row : *rows) {
    if (!(*p)->UsesCategory(row.field)) continue;
    ChangeView view{row.change_id, row.field, row.action, std::nullopt, row.at, row.actor, row.source};
    if (const IdentifierSpec* spec = IdentifierOfCategory(row.field)) view.field = std::string(spec->name);
    if (!row.previous.empty()) {
      auto plain = crypto::Open(*key, crypto::SealAad(id, row.change_id), row.previous);
      if (!plain.ok()) return done(plain.status());
      json value = json::parse(*plain, nullptr, false);
      if (!value.is_discarded()) view.previous = std::move(value);
    }
    if (std::find(shown.begin(), shown.end(), row.field) == shown.end()) shown.push_back(row.field);
    changes.push_back(std::move(view));
  }
  std::vector<AuditEvent> events{
      {std::move(actor), std::move(purpose), "subject.history", id, "categories=" + Join(shown)}};
  AuditThen<std::vector<ChangeView>>(std::move(events), std::move(changes), std::move(done));
}

Result<SubjectPage> Register::List(std::string_view cursor, size_t limit) {
  limit = std::clamp<size_t>(limit, 1, 1000);
  std::optional<std::pair<int64_t, std::string>> after;
  if (!cursor.empty()) {
    TILLIT_ASSIGN_OR_RETURN(auto decoded, DecodeCursor(cursor));
    after = std::move(decoded);
  }
  TILLIT_ASSIGN_OR_RETURN(auto rows, store_.ListSubjects(std::move(after), limit));
  SubjectPage page;
  for (const auto& row : rows) {
    page.subjects.push_back({row.id, row.created_at, row.updated_at, row.source, row.erased_at.has_value()});
  }
  if (rows.size() == limit) page.next_cursor = EncodeCursor(rows.back().created_at, rows.back().id);
  return page;
}

Result<store::RecordRow> Register::SealRecord(const RecordInput& input, const crypto::SecretKey& key, int64_t now) {
  if (!config_->HasRecordKind(input.kind)) {
    return Status::InvalidArgument("unknown record kind '" + input.kind + "'; use one of " +
                                       Join(config_->record_kinds) +
                                       ", or add it to `record_kinds` in the configuration",
                                   "unknown_record_kind");
  }
  if (input.categories.empty()) {
    return Status::InvalidArgument("a record needs `categories`: the kinds of personal data it holds",
                                   "categories_required");
  }
  for (const auto& category : input.categories) {
    TILLIT_RETURN_IF_ERROR(CheckCategory(*config_, category, "categories"));
  }
  if (input.payload.is_null()) return Status::InvalidArgument("a record needs a `payload`", "payload_required");
  std::string payload = input.payload.dump();
  if (payload.size() > kMaxPayloadBytes) {
    return Status::InvalidArgument("the payload is larger than 256 KiB", "payload_too_large");
  }
  if (input.reference.size() > kMaxReferenceBytes) {
    return Status::InvalidArgument("the reference is longer than 256 bytes", "invalid_reference");
  }
  if (input.accounting) {
    if (!input.accounting->is_object() || input.accounting->empty()) {
      return Status::InvalidArgument(
          "accounting must be a non-empty object of the fields bookkeeping law requires "
          "to keep (amounts, VAT, invoice number …)",
          "invalid_accounting");
    }
    if (!HasAccountingRule(*config_, input.kind, input.categories)) {
      return Status::InvalidArgument("records of kind '" + input.kind +
                                         "' are under no accounting retention rule, so they cannot carry accounting "
                                         "fields; add a [[retention]] rule with accounting = true for this kind",
                                     "no_accounting_rule");
    }
    if (input.accounting->dump().size() > kMaxPayloadBytes) {
      return Status::InvalidArgument("the accounting fields are larger than 256 KiB", "payload_too_large");
    }
  }
  store::RecordRow row;
  row.subject_id = input.subject_id;
  row.record_id = random_.NewId("rec_");
  row.kind = input.kind;
  row.categories = input.categories;
  row.occurred_at = input.occurred_at.value_or(now);
  row.created_at = now;
  row.payload = crypto::Seal(key, crypto::SealAad(row.subject_id, row.record_id), payload, random_);
  if (!input.reference.empty()) {
    row.reference = crypto::Seal(key, ReferenceAad(row.subject_id, row.record_id), input.reference, random_);
  }
  return row;
}

Status Register::FinishRecord(store::WriteTxn& txn, store::RecordRow& row, const std::optional<std::string>& accounting,
                              int64_t now, bool refresh_subject) {
  if (accounting) {
    TILLIT_ASSIGN_OR_RETURN(auto key_row, txn.DataKey(row.subject_id));
    if (!key_row) return Status::NotFound("no subject with this id", "subject_not_found");
    std::optional<crypto::SecretKey> hold;
    if (key_row->hold_kek_version && !key_row->hold_wrapped.empty()) {
      TILLIT_ASSIGN_OR_RETURN(hold, keyring_.Unwrap(row.subject_id, crypto::KeyKind::kLegalHold,
                                                    {*key_row->hold_kek_version, key_row->hold_wrapped}));
    } else {
      // The legal-hold key exists only once a record needs it.
      TILLIT_ASSIGN_OR_RETURN(auto fresh, keyring_.NewDataKey(row.subject_id, crypto::KeyKind::kLegalHold, random_));
      key_row->hold_kek_version = fresh.second.kek_version;
      key_row->hold_wrapped = fresh.second.wrapped;
      TILLIT_RETURN_IF_ERROR(txn.UpdateDataKey(*key_row));
      hold = std::move(fresh.first);
    }
    row.hold = crypto::Seal(*hold, HoldAad(row.subject_id, row.record_id), *accounting, random_);
  }
  TILLIT_ASSIGN_OR_RETURN(auto agreement_end, txn.AgreementEnd(row.subject_id));
  Anchors anchors{row.occurred_at, std::nullopt, agreement_end, std::nullopt};
  RecordExpiry expiry = ExpiryOfRecord(*config_, row.kind, row.categories, !row.hold.empty(), anchors);
  row.expires_at = expiry.expires_at;
  row.hold_expires_at = expiry.hold_expires_at;
  TILLIT_RETURN_IF_ERROR(txn.InsertRecord(row));
  if (!refresh_subject) return Status::Ok();
  return RefreshSubjectExpiry(*config_, txn, row.subject_id, now, now);
}

void Register::EndAgreement(std::string id, std::string ref, std::optional<int64_t> ended_at, Actor actor,
                            Done<int64_t> done) {
  if (ref.empty() || ref.size() > kMaxReferenceBytes) {
    return done(Status::InvalidArgument("the agreement reference must be 1 to 256 bytes", "invalid_reference"));
  }
  auto subject = store_.FindSubject(id);
  if (!subject.ok()) return done(subject.status());
  if (!*subject) return done(Status::NotFound("no subject with this id", "subject_not_found"));
  if ((*subject)->erased_at) return done(Erased(**subject));
  const int64_t now = ToMicros(clock_.Now());
  const int64_t end = ended_at.value_or(now);
  // The records' expiries are worked out again with the new anchor; a subject's records are read by its key.
  auto records = std::make_shared<std::vector<store::RecordRow>>();
  store::RecordQuery query;
  query.limit = 1000;
  while (true) {
    auto page = store_.ListRecords(id, query);
    if (!page.ok()) return done(page.status());
    for (auto& r : *page) records->push_back(std::move(r));
    if (page->size() < query.limit) break;
    query.before_occurred_at = records->back().occurred_at;
    query.before_record_id = records->back().record_id;
  }
  auto result = std::make_shared<int64_t>(end);
  store_.Write(
      [this, id, ref, end, now, records, actor, result](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.EndAgreement({id, ref, end}));
        TILLIT_ASSIGN_OR_RETURN(auto anchor, txn.AgreementEnd(id));
        *result = anchor.value_or(end);
        for (const auto& r : *records) {
          Anchors anchors{r.occurred_at, std::nullopt, anchor, std::nullopt};
          RecordExpiry expiry = ExpiryOfRecord(*config_, r.kind, r.categories, !r.hold.empty(), anchors);
          if (expiry.expires_at != r.expires_at || expiry.hold_expires_at != r.hold_expires_at) {
            TILLIT_RETURN_IF_ERROR(
                txn.SetRecordExpiry(id, r.record_id, expiry.expires_at,
                                    expiry.hold_expires_at ? expiry.hold_expires_at : r.hold_expires_at));
          }
        }
        TILLIT_RETURN_IF_ERROR(RefreshSubjectExpiry(*config_, txn, id, now, now));
        return AppendAudit(txn, {actor, "", "agreement.end", id, "records=" + std::to_string(records->size())}, now);
      },
      [result, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(*result);
      });
}

Result<std::vector<store::ConsentEventRow>> Register::CustomerEvents(
    const store::RecordRow& row, const std::string& actor, int64_t now,
    std::set<std::pair<std::string, std::string>>& seen) {
  std::vector<store::ConsentEventRow> out;
  if (row.kind != "order" && row.kind != "agreement") return out;
  std::optional<std::vector<store::ConsentEventRow>> stored;  // read once, only without a decision index
  for (const auto& p : config_->purposes) {
    if (!IsDirectMarketing(p) || !seen.emplace(row.subject_id, p.id).second) continue;
    bool known = false;
    if (decisions_ != nullptr) {
      known = decisions_->HasConsentFacts(row.subject_id, p.id);
    } else {
      if (!stored) {
        TILLIT_ASSIGN_OR_RETURN(auto events, store_.ListConsentEvents(row.subject_id));
        stored = std::move(events);
      }
      known = std::any_of(stored->begin(), stored->end(),
                          [&](const store::ConsentEventRow& e) { return e.purpose == p.id; });
    }
    if (known) continue;
    store::ConsentEventRow e;
    e.subject_id = row.subject_id;
    e.event_id = random_.NewId("con_");
    e.purpose = p.id;
    e.action = "existing_customer";
    e.method = "checkout";  // the sale the record is the evidence of
    e.revision = p.revision;
    e.language = config_->default_language();
    e.at = std::min(row.occurred_at, now);
    e.actor = actor;
    out.push_back(std::move(e));
  }
  return out;
}

// The existing-customer events of a record inside its write: the events, the note on the decision-change feed for
// the other servers, and an audit entry each.
static Status WriteCustomerEvents(store::WriteTxn& txn, const std::vector<store::ConsentEventRow>& events,
                                  const store::RecordRow& row, const Actor& actor, int64_t now) {
  if (events.empty()) return Status::Ok();
  for (const auto& e : events) {
    TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(e));
    TILLIT_RETURN_IF_ERROR(AppendAudit(txn,
                                       {actor, "", "consent.record", e.subject_id,
                                        "event=" + e.event_id + " purpose=" + e.purpose +
                                            " action=existing_customer record=" + row.record_id},
                                       now));
  }
  return txn.AppendDecisionChange(row.subject_id, now);
}

void Register::AddRecord(RecordInput input, Actor actor, Done<std::string> done) {
  auto key = DataKeyOf(input.subject_id);
  if (!key.ok()) return done(key.status());
  const int64_t now = ToMicros(clock_.Now());
  auto row = SealRecord(input, *key, now);
  if (!row.ok()) return done(row.status());
  auto shared = std::make_shared<store::RecordRow>(std::move(*row));
  std::set<std::pair<std::string, std::string>> seen;
  auto customer = CustomerEvents(*shared, actor.name, now, seen);
  if (!customer.ok()) return done(customer.status());
  auto events = std::make_shared<std::vector<store::ConsentEventRow>>(std::move(*customer));
  std::optional<std::string> accounting;
  if (input.accounting) accounting = input.accounting->dump();
  AuditEvent event{std::move(actor), "", "record.create", shared->subject_id,
                   "record=" + shared->record_id + " kind=" + shared->kind + (accounting ? " legal_hold=1" : "")};
  store_.Write(
      [this, shared, accounting, event, events, now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(FinishRecord(txn, *shared, accounting, now));
        TILLIT_RETURN_IF_ERROR(WriteCustomerEvents(txn, *events, *shared, event.actor, now));
        return AppendAudit(txn, event, now);
      },
      [this, shared, events, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        if (decisions_ != nullptr) {
          for (const auto& e : *events) decisions_->ApplyConsent(e);
        }
        done(shared->record_id);
      });
}

void Register::AddRecords(std::vector<RecordInput> inputs, Actor actor, Done<BulkReport> done) {
  const int64_t now = ToMicros(clock_.Now());
  struct Item {
    size_t index;
    store::RecordRow row;
    std::optional<std::string> accounting;
    std::vector<store::ConsentEventRow> customer;  // existing-customer events the record makes
    bool stored = false;
  };
  std::set<std::pair<std::string, std::string>> seen;
  auto items = std::make_shared<std::vector<Item>>();
  auto report = std::make_shared<BulkReport>();
  std::map<std::string, std::shared_ptr<Result<crypto::SecretKey>>> keys;  // one unwrap per subject
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto& slot = keys[inputs[i].subject_id];
    if (!slot) slot = std::make_shared<Result<crypto::SecretKey>>(DataKeyOf(inputs[i].subject_id));
    if (!slot->ok()) {
      report->errors.push_back({i, slot->status()});
      continue;
    }
    auto row = SealRecord(inputs[i], **slot, now);
    if (!row.ok()) {
      report->errors.push_back({i, row.status()});
      continue;
    }
    std::optional<std::string> accounting;
    if (inputs[i].accounting) accounting = inputs[i].accounting->dump();
    auto customer = CustomerEvents(*row, actor.name, now, seen);
    if (!customer.ok()) {
      report->errors.push_back({i, customer.status()});
      continue;
    }
    items->push_back({i, std::move(*row), std::move(accounting), std::move(*customer)});
  }
  if (items->empty()) return done(std::move(*report));
  store_.Write(
      [this, items, report, actor, now](store::WriteTxn& txn) -> Status {
        report->record_ids.clear();
        std::set<std::string> subjects;  // with a record stored
        for (Item& item : *items) {
          Status s = txn.Nested([&]() -> Status {
            TILLIT_RETURN_IF_ERROR(FinishRecord(txn, item.row, item.accounting, now, /*refresh_subject=*/false));
            TILLIT_RETURN_IF_ERROR(WriteCustomerEvents(txn, item.customer, item.row, actor, now));
            return AppendAudit(txn,
                               {actor, "", "record.create", item.row.subject_id,
                                "record=" + item.row.record_id + " kind=" + item.row.kind},
                               now);
          });
          item.stored = s.ok();
          if (s.ok()) {
            report->record_ids.push_back(item.row.record_id);
            subjects.insert(item.row.subject_id);
          } else {
            report->errors.push_back({item.index, s});
          }
        }
        // The activity and expiry of each subject once, not once per record: the same result, a fraction of the
        // statements (each a round trip on PostgreSQL).
        for (const auto& subject : subjects) {
          TILLIT_RETURN_IF_ERROR(RefreshSubjectExpiry(*config_, txn, subject, now, now));
        }
        return Status::Ok();
      },
      [this, items, report, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        if (decisions_ != nullptr) {
          for (const Item& item : *items) {
            if (!item.stored) continue;
            for (const auto& e : item.customer) decisions_->ApplyConsent(e);
          }
        }
        std::sort(report->errors.begin(), report->errors.end(),
                  [](const BulkError& a, const BulkError& b) { return a.index < b.index; });
        done(std::move(*report));
      });
}

void Register::ListRecords(std::string id, RecordFilter filter, Actor actor, std::string purpose,
                           Done<RecordPage> done) {
  auto p = PurposeOf(purpose);
  if (!p.ok()) return done(p.status());
  if (!filter.kind.empty() && !config_->HasRecordKind(filter.kind)) {
    return done(Status::InvalidArgument("unknown record kind '" + filter.kind + "'", "unknown_record_kind"));
  }
  auto subject = store_.FindSubject(id);
  if (!subject.ok()) return done(subject.status());
  if (!*subject) return done(Status::NotFound("no subject with this id", "subject_not_found"));
  const bool erased = (*subject)->erased_at.has_value();
  // After an erasure only the legal-hold fields remain, and only the legal-hold purposes may read them: the
  // decision (rule 1) says so.
  if (erased && !HoldPurpose(purpose)) return done(Erased(**subject));
  if (Status s = CheckDecision(id, purpose); !s.ok()) return done(s);
  auto key_row = store_.FindDataKey(id);
  if (!key_row.ok()) return done(key_row.status());
  if (!*key_row)
    return done(erased ? Erased(**subject) : Status::NotFound("no subject with this id", "subject_not_found"));
  std::optional<crypto::SecretKey> key;
  if (!erased) {
    auto k = keyring_.Unwrap(id, crypto::KeyKind::kData, {(*key_row)->kek_version, (*key_row)->wrapped});
    if (!k.ok()) return done(k.status());
    key = std::move(*k);
  }
  std::optional<crypto::SecretKey> hold;
  if ((*key_row)->hold_kek_version && !(*key_row)->hold_wrapped.empty()) {
    auto k =
        keyring_.Unwrap(id, crypto::KeyKind::kLegalHold, {*(*key_row)->hold_kek_version, (*key_row)->hold_wrapped});
    if (!k.ok()) return done(k.status());
    hold = std::move(*k);
  }
  store::RecordQuery query;
  query.kind = filter.kind;
  query.since = filter.since;
  query.limit = std::clamp<size_t>(filter.limit, 1, 1000);
  if (!filter.cursor.empty()) {
    auto cursor = DecodeCursor(filter.cursor);
    if (!cursor.ok()) return done(cursor.status());
    query.before_occurred_at = cursor->first;
    query.before_record_id = cursor->second;
  }
  auto rows = store_.ListRecords(id, query);
  if (!rows.ok()) return done(rows.status());
  RecordPage page;
  for (const auto& row : *rows) {
    const bool allowed = std::all_of(row.categories.begin(), row.categories.end(),
                                     [&](const std::string& c) { return (*p)->UsesCategory(c); });
    // Legal-hold fields of an erased subject are accounting material whatever categories the record named.
    if (erased ? row.hold.empty() : !allowed) {
      ++page.withheld;
      continue;
    }
    RecordView view{row.record_id, row.kind, row.categories, row.occurred_at, row.created_at, nullptr, std::nullopt};
    view.expires_at = row.expires_at;
    view.hold_expires_at = row.hold_expires_at;
    if (key && !row.payload.empty()) {
      auto payload = crypto::Open(*key, crypto::SealAad(id, row.record_id), row.payload);
      if (!payload.ok()) return done(payload.status());
      view.payload = json::parse(*payload, nullptr, false);
      if (!row.reference.empty()) {
        auto reference = crypto::Open(*key, ReferenceAad(id, row.record_id), row.reference);
        if (!reference.ok()) return done(reference.status());
        view.reference = std::move(*reference);
      }
    }
    if (hold && !row.hold.empty()) {
      auto accounting = crypto::Open(*hold, HoldAad(id, row.record_id), row.hold);
      if (!accounting.ok()) return done(accounting.status());
      view.accounting = json::parse(*accounting, nullptr, false);
    }
    page.records.push_back(std::move(view));
  }
  if (rows->size() == query.limit) page.next_cursor = EncodeCursor(rows->back().occurred_at, rows->back().record_id);
  std::vector<AuditEvent> events{
      {std::move(actor), std::move(purpose), "record.read", id,
       "records=" + std::to_string(page.records.size()) + (filter.kind.empty() ? "" : " kind=" + filter.kind)}};
  AuditThen<RecordPage>(std::move(events), std::move(page), std::move(done));
}

void Register::AuditTrail(std::string id, Actor actor, std::string purpose, int64_t after_seq, size_t limit,
                          Done<std::vector<store::AuditRow>> done) {
  auto p = PurposeOf(purpose);
  if (!p.ok()) return done(p.status());
  auto subject = store_.FindSubject(id);
  if (!subject.ok()) return done(subject.status());
  if (!*subject) return done(Status::NotFound("no subject with this id", "subject_not_found"));
  auto rows = store_.ReadSubjectAudit(id, after_seq, std::clamp<size_t>(limit, 1, 1000));
  if (!rows.ok()) return done(rows.status());
  std::vector<AuditEvent> events{{std::move(actor), std::move(purpose), "audit.read", id, ""}};
  AuditThen<std::vector<store::AuditRow>>(std::move(events), std::move(*rows), std::move(done));
}

}  // namespace tillit::core
