#include "core/consent/audience.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/consent/snapshots.h"
#include "crypto/sealing.h"

namespace tillit::core {
namespace {

// The contact field a channel needs: its category and its key in the export.
struct ContactSpec {
  std::string_view category;
  std::string_view name;
};

ContactSpec ContactOfChannel(config::Channel channel) {
  switch (channel) {
    case config::Channel::kEmail:
      return {"contact.email", "email"};
    case config::Channel::kSms:
    case config::Channel::kPhone:
      return {"contact.phone", "phone"};
    case config::Channel::kPost:
      return {"contact.address", "address"};
  }
  return {};
}

// Appends `s` as a JSON string.
void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string AuditDetail(const AudienceQuery& query, const AudienceExport& e) {
  std::string detail = "purpose=" + e.purpose + " channel=" + (e.channel.empty() ? "-" : e.channel) +
                       " count=" + std::to_string(e.count) + " skipped=" + std::to_string(e.skipped);
  if (query.ids_only) detail += " ids_only";
  if (query.limit != 0) detail += " limit=" + std::to_string(query.limit);
  return detail;
}

}  // namespace

Audiences::Audiences(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
                     const DecisionIndex& decisions, Clock& clock)
    : config_(std::move(config)),
      policy_version_(PolicyVersionOf(*config_)),
      store_(store),
      keyring_(keyring),
      decisions_(decisions),
      clock_(clock) {}

Result<std::string> Audiences::ContactOf(const std::string& subject_id, std::string_view category, bool ids_only) {
  TILLIT_ASSIGN_OR_RETURN(auto fields, store_.ListFields(subject_id));
  auto field = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.field == category; });
  if (field == fields.end()) return std::string();
  if (ids_only) return std::string("true");  // present; not opened
  TILLIT_ASSIGN_OR_RETURN(auto key_row, store_.FindDataKey(subject_id));
  if (!key_row) return std::string();  // erased since the decision was taken
  TILLIT_ASSIGN_OR_RETURN(
      crypto::SecretKey key,
      keyring_.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{key_row->kek_version, key_row->wrapped}));
  TILLIT_ASSIGN_OR_RETURN(std::string plaintext,
                          crypto::Open(key, crypto::SealAad(subject_id, category), field->sealed));
  // Fields are stored as compact JSON, which never holds a raw line break; re-encode anything else so that one
  // member stays one line.
  if (plaintext.find_first_of("\r\n") != std::string::npos) {
    nlohmann::json value = nlohmann::json::parse(plaintext, nullptr, false);
    if (value.is_discarded()) return Status::Internal("a stored field does not hold JSON");
    plaintext = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return plaintext;
}

Result<AudienceExport> Audiences::Build(const AudienceQuery& query, const Progress& progress) {
  const config::Purpose* purpose = config_->FindPurpose(query.purpose);
  if (purpose == nullptr) {
    return config_->UnknownPurpose(query.purpose);
  }
  ContactSpec contact;
  if (!query.channel.empty()) {
    auto channel = config::ParseChannel(query.channel);
    if (!channel) {
      return Status::InvalidArgument("unknown channel '" + query.channel + "'; use email, sms, phone or post",
                                     "unknown_channel");
    }
    if (std::find(purpose->channels.begin(), purpose->channels.end(), *channel) == purpose->channels.end()) {
      return Status::InvalidArgument("purpose '" + purpose->id + "' does not reach people over '" + query.channel +
                                         "': add it to the purpose's channels in the configuration, or ask for one "
                                         "of its channels",
                                     "channel_not_declared");
    }
    contact = ContactOfChannel(*channel);
    if (!purpose->UsesCategory(contact.category)) {
      return Status::FailedPrecondition("purpose '" + purpose->id + "' does not use " + std::string(contact.category) +
                                            ", which the " + query.channel +
                                            " channel needs: add it to the purpose's categories in the configuration",
                                        "contact_not_used");
    }
  }

  TILLIT_ASSIGN_OR_RETURN(std::vector<std::string> ids, decisions_.Allowed(purpose->id, query.channel, clock_.Now()));
  std::sort(ids.begin(), ids.end());

  AudienceExport out;
  out.purpose = purpose->id;
  out.channel = query.channel;
  out.contact = query.ids_only ? "" : std::string(contact.name);
  out.policy_version = policy_version_;
  const auto total = static_cast<int64_t>(ids.size());
  int64_t walked = 0;
  for (const std::string& id : ids) {
    if (query.limit != 0 && out.count == query.limit) break;
    if (progress) progress(++walked, total);
    std::string value;
    if (!contact.category.empty()) {
      TILLIT_ASSIGN_OR_RETURN(value, ContactOf(id, contact.category, query.ids_only));
      if (value.empty()) {
        ++out.skipped;
        continue;
      }
    }
    out.ndjson += "{\"id\":";
    AppendJsonString(out.ndjson, id);
    if (!out.contact.empty()) {
      out.ndjson += ",\"";
      out.ndjson += out.contact;
      out.ndjson += "\":";
      out.ndjson += value;
    }
    out.ndjson += "}\n";
    ++out.count;
  }

  const nlohmann::ordered_json summary = {
      {"count", out.count},
      {"skipped", out.skipped},
      {"purpose", out.purpose},
      {"channel", out.channel.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(out.channel)},
      {"policy_version", out.policy_version},
      {"ids_only", query.ids_only || out.contact.empty()}};
  out.ndjson += summary.dump();
  out.ndjson += '\n';
  return out;
}

void Audiences::Export(AudienceQuery query, Actor actor, Done done) {
  auto built = Build(query, {});
  if (!built.ok()) return done(built.status());
  auto shared = std::make_shared<AudienceExport>(std::move(*built));
  AuditEvent event{std::move(actor), shared->purpose, "audience.export", "", AuditDetail(query, *shared)};
  const int64_t now = ToMicros(clock_.Now());
  store_.Write([event = std::move(event), now](store::WriteTxn& txn) { return AppendAudit(txn, event, now); },
               [shared, done = std::move(done)](const Status& s) {
                 if (!s.ok()) return done(s);
                 done(std::move(*shared));
               });
}

Result<AudienceExport> Audiences::ExportAndWait(const AudienceQuery& query, const Actor& actor,
                                                const Progress& progress) {
  TILLIT_ASSIGN_OR_RETURN(AudienceExport out, Build(query, progress));
  const AuditEvent event{actor, out.purpose, "audience.export", "", AuditDetail(query, out)};
  const int64_t now = ToMicros(clock_.Now());
  TILLIT_RETURN_IF_ERROR(
      store_.WriteAndWait([&event, now](store::WriteTxn& txn) { return AppendAudit(txn, event, now); }));
  return out;
}

}  // namespace tillit::core
