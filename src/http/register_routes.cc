// The register's routes: subjects, their history, records and audit trail. Decode and validate, call the Register,
// encode; the Register does the rest.
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/register/erasure.h"
#include "core/register/register.h"
#include "core/register/subject_json.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/route_support.h"
#include "http/routes.h"
#include "util/clock.h"
#include "util/json.h"

namespace tillit::http {
namespace {

using nlohmann::json;

Result<int64_t> ParseTime(const json& value, std::string_view name) {
  if (!value.is_string()) {
    return Status::InvalidArgument(std::string(name) + " must be an RFC 3339 time, e.g. \"2026-11-23T10:00:00Z\"",
                                   "invalid_time");
  }
  auto t = ParseRfc3339(value.get<std::string>());
  if (!t.ok()) {
    return Status::InvalidArgument(std::string(name) + " must be an RFC 3339 time, e.g. \"2026-11-23T10:00:00Z\"",
                                   "invalid_time");
  }
  return ToMicros(*t);
}

Status WrongType(std::string_view name, std::string_view want) {
  return Status::InvalidArgument(std::string(name) + " must be " + std::string(want), "invalid_type");
}

Result<core::RecordInput> DecodeRecord(const json& body, bool with_subject) {
  if (!body.is_object()) return WrongType("a record", "a JSON object");
  core::RecordInput in;
  for (const auto& [key, value] : body.items()) {
    if (key == "subject_id" && with_subject) {
      if (!value.is_string()) return WrongType("subject_id", "a string");
      in.subject_id = value.get<std::string>();
    } else if (key == "kind") {
      if (!value.is_string()) return WrongType("kind", "a string");
      in.kind = value.get<std::string>();
    } else if (key == "categories") {
      if (!value.is_array()) return WrongType("categories", "an array of category ids");
      for (const auto& c : value) {
        if (!c.is_string()) return WrongType("categories", "an array of category ids");
        in.categories.push_back(c.get<std::string>());
      }
    } else if (key == "occurred_at") {
      TILLIT_ASSIGN_OR_RETURN(int64_t at, ParseTime(value, "occurred_at"));
      in.occurred_at = at;
    } else if (key == "payload") {
      in.payload = value;
    } else if (key == "reference") {
      if (!value.is_string()) return WrongType("reference", "a string");
      in.reference = value.get<std::string>();
    } else if (key == "accounting") {
      in.accounting = value;
    } else {
      return Status::InvalidArgument("unknown key '" + key + "'; a record has " + (with_subject ? "subject_id, " : "") +
                                         "kind, categories, occurred_at, payload, reference and accounting",
                                     "unknown_key");
    }
  }
  if (with_subject && in.subject_id.empty()) {
    return Status::InvalidArgument("subject_id is required", "subject_id_required");
  }
  if (in.kind.empty()) return Status::InvalidArgument("kind is required", "kind_required");
  return in;
}

json EncodeField(const core::FieldValue& f) {
  return {{"value", f.value},
          {"source", f.source},
          {"collected_at", Time(f.collected_at)},
          {"updated_at", Time(f.updated_at)}};
}

json EncodeSubject(const core::SubjectView& v) {
  json identifiers = json::object();
  json fields = json::object();
  json sources = json::object();
  for (const auto& [name, f] : v.identifiers) {
    identifiers[name] = f.value;
    sources[name] = EncodeField(f);
    sources[name].erase("value");
  }
  for (const auto& [category, f] : v.fields) {
    fields[category] = f.value;
    sources[category] = EncodeField(f);
    sources[category].erase("value");
  }
  return {{"id", v.subject.id},
          {"created_at", Time(v.subject.created_at)},
          {"updated_at", Time(v.subject.updated_at)},
          {"source", v.subject.source},
          {"identifiers", identifiers},
          {"fields", fields},
          {"provenance", sources},
          {"withheld_categories", v.withheld}};
}

json EncodeRecord(const core::RecordView& r) {
  json out = {{"id", r.id},
              {"kind", r.kind},
              {"categories", r.categories},
              {"occurred_at", Time(r.occurred_at)},
              {"created_at", Time(r.created_at)},
              {"payload", r.payload}};
  if (r.reference) out["reference"] = *r.reference;
  if (r.accounting) out["accounting"] = *r.accounting;
  out["expires_at"] = r.expires_at ? Time(*r.expires_at) : json(nullptr);
  if (r.accounting) out["accounting_expires_at"] = r.hold_expires_at ? Time(*r.hold_expires_at) : json(nullptr);
  return out;
}

// The purpose a read names; answers the error itself and returns nullopt.
std::optional<std::string> PurposeOf(const HttpRequest& req, const AppContext& app, const Responder& respond) {
  auto purpose = RequirePurpose(req, *app.config);
  if (!purpose.ok()) {
    respond(ErrorResponse(purpose.status()));
    return std::nullopt;
  }
  return std::move(*purpose);
}

// Answers a create whose unique identifier another subject holds (Conflict "<name>_taken"). With `purpose` (the key
// holds subjects.read and named a purpose it holds), the holder is looked up as GET /v1/subjects?<name>= would — the
// purpose's decision applies and the lookup is audited — and its id is in details.subject_id; otherwise the message
// says how to look it up.
void AnswerTaken(const AppContext& app, const Status& status, const std::map<std::string, std::string>& identifiers,
                 const std::optional<std::string>& purpose, core::Actor actor, Responder respond) {
  const std::string& reason = status.reason();
  const std::string suffix = "_taken";
  if (status.code() != StatusCode::kConflict || reason.size() <= suffix.size() ||
      reason.compare(reason.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return respond(ErrorResponse(status));
  }
  const std::string name = reason.substr(0, reason.size() - suffix.size());
  const Status hint = Status::Conflict(status.message() + "; a key with the action subjects.read can look it up "
                                       "(GET /v1/subjects?" + name + "=… with Tillit-Purpose)",
                                       reason);
  auto given = identifiers.find(name);
  if (!purpose || given == identifiers.end()) return respond(ErrorResponse(hint));
  app.reg.Find(name, given->second, std::move(actor), *purpose,
                [hint, status, respond = std::move(respond)](Result<std::vector<core::SubjectView>> found) {
                  if (!found.ok() || found->size() != 1) return respond(ErrorResponse(hint));
                  respond(ErrorResponse(Status::Conflict(status.message() + " (details.subject_id)", status.reason()),
                                        Dump({{"subject_id", found->front().subject.id}})));
                });
}

void AddSubjectRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/subjects", Access::Key("subjects.write"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    auto input = core::DecodeSubjectJson(*body);
    if (!input.ok()) return respond(ErrorResponse(input.status()));
    // On a collision a key that may read subjects, naming a purpose, learns whose the identifier is (AnswerTaken).
    std::optional<std::string> purpose;
    if (req.principal->AllowsAction("subjects.read") && req.Header("tillit-purpose")) {
      if (auto p = RequirePurpose(req, *app.config); p.ok()) purpose = std::move(*p);
    }
    std::map<std::string, std::string> identifiers = input->identifiers;
    app.reg.Create(std::move(*input), ActorOf(req), [app, identifiers = std::move(identifiers), purpose,
                                                      actor = ActorOf(req),
                                                      respond = std::move(respond)](Result<std::string> id) {
      if (!id.ok()) return AnswerTaken(app, id.status(), identifiers, purpose, actor, respond);
      HttpResponse r = JsonResponse(201, Dump({{"id", *id}}));
      r.headers.emplace_back("Location", "/v1/subjects/" + *id);
      respond(std::move(r));
    });
  });

  router.Add("GET", "/v1/subjects", Access::Key("subjects.read"), [app](const HttpRequest& req, Responder respond) {
    std::optional<std::string> by;
    std::string value;
    for (const auto& spec : core::Identifiers()) {
      if (auto v = req.Query(spec.name)) {
        if (by) {
          return respond(
              ErrorResponse(Status::InvalidArgument("look up by one identifier at a time", "ambiguous_lookup")));
        }
        by = std::string(spec.name);
        value = std::string(*v);
      }
    }
    if (!by) {
      // The staff listing: ids and times only, so no purpose and no audit entry.
      auto limit = LimitOf(req, 100);
      if (!limit.ok()) return respond(ErrorResponse(limit.status()));
      auto page = app.reg.List(req.Query("cursor").value_or(""), *limit);
      if (!page.ok()) return respond(ErrorResponse(page.status()));
      json subjects = json::array();
      for (const auto& s : page->subjects) {
        subjects.push_back({{"id", s.id},
                            {"created_at", Time(s.created_at)},
                            {"updated_at", Time(s.updated_at)},
                            {"source", s.source},
                            {"erased", s.erased}});
      }
      json out = {{"subjects", subjects}};
      out["next_cursor"] = page->next_cursor.empty() ? json(nullptr) : json(page->next_cursor);
      return respond(JsonResponse(200, Dump(out)));
    }
    auto purpose = PurposeOf(req, app, respond);
    if (!purpose) return;
    const bool unique = core::FindIdentifier(*by)->unique;
    app.reg.Find(
        *by, std::move(value), ActorOf(req), *purpose,
        [respond = std::move(respond), unique](Result<std::vector<core::SubjectView>> found) {
          if (!found.ok()) return respond(ErrorResponse(found.status()));
          if (found->empty()) {
            return respond(ErrorResponse(Status::NotFound("no subject has this identifier", "subject_not_found")));
          }
          if (unique) return respond(JsonResponse(200, Dump(EncodeSubject(found->front()))));
          json subjects = json::array();
          for (const auto& v : *found) subjects.push_back(EncodeSubject(v));
          respond(JsonResponse(200, Dump({{"subjects", subjects}})));
        });
  });

  router.Add("GET", "/v1/subjects/:id", Access::Key("subjects.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = PurposeOf(req, app, respond);
    if (!purpose) return;
    app.reg.Get(std::string(req.Param("id")), ActorOf(req), *purpose,
                 Answer<core::SubjectView>(std::move(respond), 200, EncodeSubject));
  });

  router.Add("PATCH", "/v1/subjects/:id", Access::Key("subjects.write"),
             MediaTypes{"application/merge-patch+json", "application/json"}, [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    app.reg.Patch(std::string(req.Param("id")), std::move(*body), ActorOf(req),
                   Answer<core::PatchResult>(std::move(respond), 200, [](const core::PatchResult& r) {
                     return json{{"id", r.id}, {"updated_at", Time(r.updated_at)}, {"changed", r.changed}};
                   }));
  });

  router.Add("GET", "/v1/subjects/:id/history", Access::Key("subjects.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = PurposeOf(req, app, respond);
    if (!purpose) return;
    std::string id(req.Param("id"));
    app.reg.History(id, ActorOf(req), *purpose,
                     Answer<std::vector<core::ChangeView>>(
                         std::move(respond), 200, [id](const std::vector<core::ChangeView>& changes) {
                           json out = json::array();
                           for (const auto& c : changes) {
                             json entry = {{"id", c.change_id}, {"field", c.field}, {"action", c.action},
                                           {"at", Time(c.at)},  {"actor", c.actor}, {"source", c.source}};
                             if (c.previous) entry["previous"] = *c.previous;
                             out.push_back(std::move(entry));
                           }
                           return json{{"subject_id", id}, {"changes", out}};
                         }));
  });

  router.Add("GET", "/v1/subjects/:id/audit", Access::Key("audit.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = PurposeOf(req, app, respond);
    if (!purpose) return;
    auto limit = LimitOf(req, 100);
    if (!limit.ok()) return respond(ErrorResponse(limit.status()));
    int64_t after = 0;
    if (auto raw = req.Query("after")) {
      auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), after);
      if (ec != std::errc() || end != raw->data() + raw->size() || after < 0) {
        return respond(ErrorResponse(Status::InvalidArgument("after must be an entry number", "invalid_cursor")));
      }
    }
    std::string id(req.Param("id"));
    const size_t page_size = *limit;
    app.reg.AuditTrail(id, ActorOf(req), *purpose, after, page_size,
                        Answer<std::vector<store::AuditRow>>(
                            std::move(respond), 200, [id, page_size](const std::vector<store::AuditRow>& rows) {
                              json entries = json::array();
                              for (const auto& r : rows) {
                                entries.push_back({{"seq", r.seq},
                                                   {"at", Time(r.at)},
                                                   {"actor_kind", r.actor_kind},
                                                   {"actor", r.actor},
                                                   {"purpose", r.purpose},
                                                   {"action", r.action},
                                                   {"detail", r.detail}});
                              }
                              json out = {{"subject_id", id}, {"entries", entries}};
                              out["next_after"] = rows.size() == page_size ? json(rows.back().seq) : json(nullptr);
                              return out;
                            }));
  });
}

// Erasure is staff's or the rights workflow's: the key must hold the action subjects.erase.
void AddErasureRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/subjects/:id/erase", Access::Key("subjects.erase"), [app](const HttpRequest& req, Responder respond) {
    std::string reason = "request";
    if (!req.body.empty()) {
      auto body = ParseObject(req, false);
      if (!body.ok()) return respond(ErrorResponse(body.status()));
      if (!body->is_object()) return respond(ErrorResponse(WrongType("the body", "a JSON object")));
      for (const auto& [key, value] : body->items()) {
        if (key != "reason") {
          return respond(ErrorResponse(
              Status::InvalidArgument("unknown key '" + key + "'; an erasure takes only reason", "unknown_key")));
        }
        if (!value.is_string()) return respond(ErrorResponse(WrongType("reason", "a string")));
        reason = value.get<std::string>();
      }
    }
    app.erasure.EraseAsync(std::string(req.Param("id")), reason, ActorOf(req),
                            [respond = std::move(respond)](Result<core::ErasureResult> result) {
                              if (!result.ok()) return respond(ErrorResponse(result.status()));
                              json out = result->receipt;
                              out["complete"] = true;
                              out["checkpoint"] = result->checkpoint;
                              respond(JsonResponse(200, Dump(out)));
                            });
  });

  router.Add("GET", "/v1/subjects/:id/erasure", Access::Key("subjects.erase"), [app](const HttpRequest& req, Responder respond) {
    auto result = app.erasure.Receipt(std::string(req.Param("id")));
    if (!result.ok()) return respond(ErrorResponse(result.status()));
    respond(JsonResponse(200, Dump(result->receipt)));
  });

  router.Add("POST", "/v1/subjects/:id/agreements/:ref/end", Access::Key("records.write"), [app](const HttpRequest& req, Responder respond) {
    std::optional<int64_t> ended_at;
    if (!req.body.empty()) {
      auto body = ParseObject(req, false);
      if (!body.ok()) return respond(ErrorResponse(body.status()));
      if (!body->is_object()) return respond(ErrorResponse(WrongType("the body", "a JSON object")));
      for (const auto& [key, value] : body->items()) {
        if (key != "ended_at") {
          return respond(ErrorResponse(Status::InvalidArgument(
              "unknown key '" + key + "'; an agreement end takes only ended_at", "unknown_key")));
        }
        auto t = ParseTime(value, "ended_at");
        if (!t.ok()) return respond(ErrorResponse(t.status()));
        ended_at = *t;
      }
    }
    std::string id(req.Param("id"));
    std::string ref(req.Param("ref"));
    app.reg.EndAgreement(id, ref, ended_at, ActorOf(req),
                          Answer<int64_t>(std::move(respond), 200, [id, ref](int64_t at) {
                            return json{{"subject_id", id}, {"agreement", ref}, {"ended_at", Time(at)}};
                          }));
  });
}

void AddRecordRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/subjects/:id/records", Access::Key("records.write"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    auto input = DecodeRecord(*body, false);
    if (!input.ok()) return respond(ErrorResponse(input.status()));
    input->subject_id = std::string(req.Param("id"));
    app.reg.AddRecord(std::move(*input), ActorOf(req),
                       Answer<std::string>(std::move(respond), 201, [](const auto& id) {
                         return json{{"id", id}};
                       }));
  });

  router.Add("GET", "/v1/subjects/:id/records", Access::Key("subjects.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = PurposeOf(req, app, respond);
    if (!purpose) return;
    core::RecordFilter filter;
    filter.kind = std::string(req.Query("kind").value_or(""));
    filter.cursor = std::string(req.Query("cursor").value_or(""));
    if (auto since = req.Query("since")) {
      auto t = ParseTime(json(std::string(*since)), "since");
      if (!t.ok()) return respond(ErrorResponse(t.status()));
      filter.since = *t;
    }
    auto limit = LimitOf(req, 100);
    if (!limit.ok()) return respond(ErrorResponse(limit.status()));
    filter.limit = *limit;
    std::string id(req.Param("id"));
    app.reg.ListRecords(id, std::move(filter), ActorOf(req), *purpose,
                         Answer<core::RecordPage>(std::move(respond), 200, [id](const core::RecordPage& page) {
                           json records = json::array();
                           for (const auto& r : page.records) records.push_back(EncodeRecord(r));
                           json out = {{"subject_id", id}, {"records", records}, {"withheld", page.withheld}};
                           out["next_cursor"] = page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor);
                           return out;
                         }));
  });

  // NDJSON, one record per line. Valid lines are stored; each invalid line is reported by its number.
  router.Add("POST", "/v1/records/bulk", Access::Key("records.write"),
             MediaTypes{"application/x-ndjson", "application/jsonl"}, [app](const HttpRequest& req, Responder respond) {
    std::vector<core::RecordInput> inputs;
    std::vector<size_t> line_of;  // input index → line number
    json errors = json::array();
    size_t line = 0;
    size_t pos = 0;
    const std::string& body = req.body;
    while (pos < body.size()) {
      size_t end = body.find('\n', pos);
      if (end == std::string::npos) end = body.size();
      std::string_view text(body.data() + pos, end - pos);
      pos = end + 1;
      ++line;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
      auto parsed = ParseUntrustedJson(text);
      Result<core::RecordInput> input = parsed.ok() ? DecodeRecord(*parsed, true) : Result<core::RecordInput>(parsed.status());
      if (!input.ok()) {
        errors.push_back({{"line", line}, {"code", input.status().reason()}, {"message", input.status().message()}});
        continue;
      }
      inputs.push_back(std::move(*input));
      line_of.push_back(line);
    }
    if (inputs.empty() && errors.empty()) {
      return respond(
          ErrorResponse(Status::InvalidArgument("the body holds no records: send NDJSON, one per line", "empty_body")));
    }
    app.reg.AddRecords(
        std::move(inputs), ActorOf(req),
        [respond = std::move(respond), errors = std::move(errors),
         line_of = std::move(line_of)](Result<core::BulkReport> report) mutable {
          if (!report.ok()) return respond(ErrorResponse(report.status()));
          for (const auto& e : report->errors) {
            errors.push_back(
                {{"line", line_of[e.index]}, {"code", e.status.reason()}, {"message", e.status.message()}});
          }
          std::sort(errors.begin(), errors.end(),
                    [](const json& a, const json& b) { return a["line"].get<size_t>() < b["line"].get<size_t>(); });
          // Stored records are reported in input order, with their lines.
          json records = json::array();
          std::vector<bool> failed(line_of.size(), false);
          for (const auto& e : report->errors) failed[e.index] = true;
          size_t k = 0;
          for (size_t i = 0; i < line_of.size(); ++i) {
            if (failed[i]) continue;
            if (k < report->record_ids.size())
              records.push_back({{"line", line_of[i]}, {"id", report->record_ids[k++]}});
          }
          json out = {{"stored", report->record_ids.size()},
                      {"rejected", errors.size()},
                      {"records", records},
                      {"errors", errors}};
          respond(JsonResponse(200, Dump(out)));
        });
  });
}

}  // namespace

void AddRegisterRoutes(Router& router, const AppContext& app) {
  AddSubjectRoutes(router, app);
  AddRecordRoutes(router, app);
  AddErasureRoutes(router, app);
}

}  // namespace tillit::http
