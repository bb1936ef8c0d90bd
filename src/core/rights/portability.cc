#include "core/rights/portability.h"

#include <zip.h>

#include <algorithm>
#include <ctime>
#include <kainjow/mustache.hpp>
#include <map>
#include <set>

#include "policy/policy.h"
#include "util/csv.h"

namespace tillit::core {
namespace {

using nlohmann::json;
namespace mustache = kainjow::mustache;

std::string Time(int64_t micros) { return FormatRfc3339(FromMicros(micros)); }

// The README in the subject's language. Plain text; `files` is the list of files, one per line.
constexpr std::pair<std::string_view, std::string_view> kReadme[] = {
    {"en", R"(Your personal data from {{name}}
Exported {{date}} for customer {{subject}}.

This archive holds the personal data you have given us and the data we have recorded about you while you used
our services, where we process it on the basis of your consent or of a contract with you (GDPR Article 20). Data
we have inferred or derived about you, and data we process only for other reasons (for example security logs),
is not included. The answer to a request for access lists all data we hold.

Every table is here twice: as JSON, and as CSV (comma-separated, UTF-8, RFC 4180) that a spreadsheet opens.
Times are in UTC (RFC 3339).

Files:
{{{files}}}
Questions: {{email}}
)"},
    {"sv", R"(Dina personuppgifter från {{name}}
Exporterade {{date}} för kund {{subject}}.

Arkivet innehåller de personuppgifter du har lämnat till oss och de uppgifter vi har registrerat om dig när du
använde våra tjänster, när vi behandlar dem med stöd av ditt samtycke eller ett avtal med dig (artikel 20 i
dataskyddsförordningen). Uppgifter vi har härlett om dig, och uppgifter vi bara behandlar av andra skäl (till
exempel säkerhetsloggar), ingår inte. Ett registerutdrag visar alla uppgifter vi har om dig.

Varje tabell finns två gånger: som JSON och som CSV (kommaseparerad, UTF-8, RFC 4180) som ett kalkylprogram kan
öppna. Tider anges i UTC (RFC 3339).

Filer:
{{{files}}}
Frågor: {{email}}
)"},
    {"nb", R"(Dine personopplysninger fra {{name}}
Eksportert {{date}} for kunde {{subject}}.

Arkivet inneholder personopplysningene du har gitt oss og opplysningene vi har registrert om deg mens du brukte
tjenestene våre, når vi behandler dem på grunnlag av ditt samtykke eller en avtale med deg (artikkel 20 i
personvernforordningen). Opplysninger vi har utledet om deg, og opplysninger vi bare behandler av andre grunner
(for eksempel sikkerhetslogger), er ikke med. Et innsynssvar viser alle opplysninger vi har om deg.

Hver tabell finnes to ganger: som JSON og som CSV (kommaseparert, UTF-8, RFC 4180) som et regneark kan åpne.
Tidspunkter er i UTC (RFC 3339).

Filer:
{{{files}}}
Spørsmål: {{email}}
)"},
    {"fi", R"(Henkilötietosi – {{name}}
Viety {{date}} asiakkaalle {{subject}}.

Tämä arkisto sisältää henkilötiedot, jotka olet antanut meille, ja tiedot, jotka olemme tallentaneet sinusta
käyttäessäsi palvelujamme, kun käsittelemme niitä suostumuksesi tai kanssasi tehdyn sopimuksen perusteella
(tietosuoja-asetuksen 20 artikla). Sinusta päättelemämme tiedot ja tiedot, joita käsittelemme vain muista syistä
(esimerkiksi tietoturvalokit), eivät ole mukana. Tarkastuspyynnön vastaus näyttää kaikki sinusta olevat tiedot.

Jokainen taulukko on mukana kahdesti: JSON-muodossa ja CSV-muodossa (pilkuin eroteltu, UTF-8, RFC 4180), jonka
taulukkolaskentaohjelma avaa. Ajat ovat UTC-aikaa (RFC 3339).

Tiedostot:
{{{files}}}
Kysymykset: {{email}}
)"},
};

std::string CsvTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = CsvRecord(header);
  for (const auto& row : rows) out += CsvRecord(row);
  return out;
}

// A JSON value as one CSV cell: text as it is, anything else as compact JSON.
std::string Cell(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Dump(const json& value) { return value.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

std::string JoinList(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// A record kind as part of a file name: letters, digits, '-' and '_' only.
std::string FileSafe(std::string_view kind) {
  std::string out;
  for (char c : kind) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? "other" : out;
}

struct FieldTable {
  json items = json::array();
  std::vector<std::vector<std::string>> rows;
};

}  // namespace

bool IsInferredSource(std::string_view source) { return source == "inferred" || source == "derived"; }

bool IsPortableCategory(const config::Config& config, std::string_view category) {
  const config::Category* c = config.FindCategory(category);
  if (c == nullptr || !c->portable) return false;
  return std::any_of(config.purposes.begin(), config.purposes.end(), [&](const config::Purpose& p) {
    return !p.builtin &&
           (p.legal_basis == config::LegalBasis::kConsent || p.legal_basis == config::LegalBasis::kContract) &&
           p.UsesCategory(category);
  });
}

std::vector<ArchiveFile> PortabilityFiles(const config::Config& config, const SubjectData& data,
                                          std::string_view language, TimePoint now) {
  std::vector<ArchiveFile> files;
  auto add_pair = [&files](const std::string& base, const json& items, const std::vector<std::string>& header,
                           const std::vector<std::vector<std::string>>& rows) {
    files.push_back({base + ".json", Dump(items)});
    files.push_back({base + ".csv", CsvTable(header, rows)});
  };

  auto field_table = [&](const std::vector<OpenedField>& fields, bool identifiers) {
    FieldTable t;
    for (const auto& f : fields) {
      if (!IsPortableCategory(config, f.category) || IsInferredSource(f.source)) continue;
      json item = {{"category", f.category},
                   {"value", f.value},
                   {"source", f.source},
                   {"collected_at", Time(f.collected_at)},
                   {"updated_at", Time(f.updated_at)}};
      std::vector<std::string> row = {f.category, Cell(f.value), f.source, Time(f.collected_at), Time(f.updated_at)};
      if (identifiers) {
        item["name"] = f.identifier;
        row.insert(row.begin(), f.identifier);
      }
      t.items.push_back(std::move(item));
      t.rows.push_back(std::move(row));
    }
    return t;
  };
  FieldTable ids = field_table(data.identifiers, true);
  add_pair("identifiers", ids.items, {"name", "category", "value", "source", "collected_at", "updated_at"}, ids.rows);
  FieldTable profile = field_table(data.fields, false);
  add_pair("profile", profile.items, {"category", "value", "source", "collected_at", "updated_at"}, profile.rows);

  // Records, one table per kind; the payload's top-level keys become columns.
  std::map<std::string, std::vector<const OpenedRecord*>> by_kind;
  for (const auto& r : data.records) {
    const bool portable = std::all_of(r.categories.begin(), r.categories.end(),
                                      [&](const std::string& c) { return IsPortableCategory(config, c); });
    if (portable) by_kind[r.kind].push_back(&r);
  }
  for (const auto& [kind, records] : by_kind) {
    std::set<std::string> keys;
    for (const OpenedRecord* r : records) {
      if (r->payload.is_object()) {
        for (const auto& [k, _] : r->payload.items()) keys.insert(k);
      }
    }
    std::vector<std::string> header = {"id", "kind", "categories", "occurred_at", "reference"};
    for (const auto& k : keys) header.push_back("payload." + k);
    if (keys.empty()) header.emplace_back("payload");
    json items = json::array();
    std::vector<std::vector<std::string>> rows;
    for (const OpenedRecord* r : records) {
      items.push_back({{"id", r->record_id},
                       {"kind", r->kind},
                       {"categories", r->categories},
                       {"occurred_at", Time(r->occurred_at)},
                       {"reference", r->reference ? json(*r->reference) : json(nullptr)},
                       {"payload", r->payload}});
      std::vector<std::string> row = {r->record_id, r->kind, JoinList(r->categories, ";"), Time(r->occurred_at),
                                      r->reference.value_or("")};
      if (keys.empty()) {
        row.push_back(Cell(r->payload));
      } else {
        for (const auto& k : keys) {
          row.push_back(r->payload.is_object() && r->payload.contains(k) ? Cell(r->payload[k]) : "");
        }
      }
      rows.push_back(std::move(row));
    }
    add_pair("records-" + FileSafe(kind), items, header, rows);
  }

  // Consents are choices the subject made: provided data.
  json consents = json::array();
  std::vector<std::vector<std::string>> consent_rows;
  for (const auto& e : data.consents) {
    consents.push_back({{"id", e.event_id},
                        {"purpose", e.purpose},
                        {"channel", e.channel},
                        {"action", e.action},
                        {"method", e.method},
                        {"policy_version", e.policy_version},
                        {"revision", e.revision},
                        {"language", e.language},
                        {"at", Time(e.at)}});
    consent_rows.push_back({e.event_id, e.purpose, e.channel, e.action, e.method, e.policy_version,
                            std::to_string(e.revision), e.language, Time(e.at)});
  }
  add_pair("consents", consents,
           {"id", "purpose", "channel", "action", "method", "policy_version", "revision", "language", "at"},
           consent_rows);

  std::string list;
  list += "  README.txt\n";
  for (const auto& f : files) list += "  " + f.name + "\n";
  std::string_view tmpl = kReadme[0].second;
  for (const auto& [lang, text] : kReadme) {
    if (lang == language) tmpl = text;
  }
  mustache::mustache readme{std::string(tmpl)};
  readme.set_custom_escape([](const std::string& text) { return text; });  // plain text: nothing to escape
  mustache::data vars;
  vars.set("name", config.controller.name);
  vars.set("date", FormatRfc3339(now));
  vars.set("subject", data.subject.id);
  vars.set("files", list);
  vars.set("email", config.rights.email.empty() ? config.controller.email : config.rights.email);
  files.insert(files.begin(), {"README.txt", readme.render(vars)});
  return files;
}

Result<std::string> WriteZip(const std::vector<ArchiveFile>& files, TimePoint mtime) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) {
    zip_error_fini(&error);
    return Status::Internal("cannot create the archive buffer");
  }
  zip_source_keep(buffer);  // survives zip_close, which writes into it
  auto fail = [&](std::string what) -> Status {
    zip_source_free(buffer);
    zip_error_fini(&error);
    return Status::Internal("cannot write the archive: " + what);
  };
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) return fail(zip_error_strerror(&error));
  const time_t seconds = static_cast<time_t>(ToMicros(mtime) / 1000000);
  for (const auto& f : files) {
    zip_source_t* content = zip_source_buffer(archive, f.content.data(), f.content.size(), 0);
    if (content == nullptr) {
      zip_discard(archive);
      return fail("buffer for " + f.name);
    }
    const zip_int64_t index = zip_file_add(archive, f.name.c_str(), content, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(content);
      std::string what = zip_strerror(archive);
      zip_discard(archive);
      return fail(what);
    }
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 0);
    zip_file_set_mtime(archive, static_cast<zip_uint64_t>(index), seconds, 0);
  }
  if (zip_close(archive) != 0) {
    std::string what = zip_strerror(archive);
    zip_discard(archive);
    return fail(what);
  }
  // Read the finished archive back out of the buffer source.
  zip_stat_t stat;
  if (zip_source_stat(buffer, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) return fail("size unknown");
  std::string out(stat.size, '\0');
  if (zip_source_open(buffer) != 0) return fail("cannot reopen");
  const zip_int64_t read = zip_source_read(buffer, out.data(), stat.size);
  zip_source_close(buffer);
  if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) return fail("short read");
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

Portability::Portability(std::shared_ptr<const config::Config> config, store::Store& store,
                         const crypto::Keyring& keyring, Clock& clock, Random& random)
    : config_(std::move(config)),
      store_(store),
      keyring_(keyring),
      clock_(clock),
      downloads_(config_, store, keyring, clock, random) {}

Result<std::pair<std::string, size_t>> Portability::Build(std::string_view subject_id, std::string& language,
                                                          TimePoint now) {
  if (language.empty()) language = config_->default_language();
  TILLIT_RETURN_IF_ERROR(config_->CheckOfferedLanguage(language));
  TILLIT_ASSIGN_OR_RETURN(SubjectData data, CollectSubjectData(store_, keyring_, subject_id));
  std::vector<ArchiveFile> files = PortabilityFiles(*config_, data, language, now);
  TILLIT_ASSIGN_OR_RETURN(std::string zip, WriteZip(files, now));
  return std::make_pair(std::move(zip), files.size());
}

void Portability::Export(std::string subject_id, std::string language, Actor actor, Done<std::string> done) {
  const TimePoint now = clock_.Now();
  auto built = Build(subject_id, language, now);
  if (!built.ok()) return done(built.status());
  auto shared = std::make_shared<std::string>(std::move(built->first));
  AuditEvent event{std::move(actor), std::string(config::kRightsFulfilment), "subject.export", subject_id,
                   "files=" + std::to_string(built->second) + " language=" + language};
  const int64_t at = ToMicros(now);
  store_.Write([event, at](store::WriteTxn& txn) { return AppendAudit(txn, event, at); },
               [shared, done = std::move(done)](const Status& s) {
                 if (!s.ok()) return done(s);
                 done(std::move(*shared));
               });
}

void Portability::CreateArchive(std::string subject_id, std::string language, Actor actor,
                                Done<DownloadTicket> done) {
  auto built = Build(subject_id, language, clock_.Now());
  if (!built.ok()) return done(built.status());
  downloads_.Put(downloads_.NewTicket(), std::move(subject_id), kPortabilityDownload, language, built->first,
                 std::move(actor), std::move(done));
}

}  // namespace tillit::core
