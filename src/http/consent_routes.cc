// Consent, objection, prohibition, restriction and decision routes. Decode and validate, call Consents or the
// DecisionIndex, encode.
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/consent/consents.h"
#include "core/consent/decisions.h"
#include "crypto/blind_index.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/route_support.h"
#include "http/routes.h"
#include "util/clock.h"
#include "util/hex.h"

namespace tillit::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxBatch = 10000;

json EncodeConsent(const store::ConsentEventRow& e) {
  json out = {{"id", e.event_id},
              {"purpose", e.purpose},
              {"channel", e.channel.empty() ? json(nullptr) : json(e.channel)},
              {"action", e.action},
              {"method", e.method},
              {"policy_version", e.policy_version},
              {"revision", e.revision},
              {"language", e.language},
              {"at", Time(e.at)},
              {"unproven", e.unproven},
              {"recorded_by", e.actor}};
  json evidence = json::object();
  if (!e.user_agent.empty()) evidence["user_agent"] = e.user_agent;
  if (!e.ip_hash.empty()) evidence["ip_hash"] = HexEncode(e.ip_hash);
  out["evidence"] = evidence;
  return out;
}

json EncodeObjection(const store::ObjectionRow& o) {
  json out = {{"id", o.objection_id},
              {"purpose", o.purpose.empty() ? json(nullptr) : json(o.purpose)},
              {"channel", o.channel.empty() ? json(nullptr) : json(o.channel)},
              {"status", o.status},
              {"method", o.method},
              {"at", Time(o.at)},
              {"recorded_by", o.actor}};
  if (o.decided_at) {
    out["decided_at"] = Time(*o.decided_at);
    out["decided_by"] = o.decided_by;
    out["reason"] = o.reason;
  }
  return out;
}

json EncodeRestriction(const store::RestrictionRow& r) {
  json out = {{"id", r.restriction_id},
              {"reason", r.reason},
              {"started_at", Time(r.started_at)},
              {"recorded_by", r.actor},
              {"active", !r.lifted_at.has_value()}};
  if (r.lifted_at) {
    out["lifted_at"] = Time(*r.lifted_at);
    out["notice"] = r.lift_notice;
    out["lifted_by"] = r.lifted_by;
  }
  return out;
}

json EncodeProhibition(const store::ProhibitionRow& p) {
  json out = {{"id", p.prohibition_id},
              {"code", p.code},
              {"purpose", p.purpose.empty() ? json(nullptr) : json(p.purpose)},
              {"channel", p.channel.empty() ? json(nullptr) : json(p.channel)},
              {"method", p.method},
              {"set_at", Time(p.set_at)},
              {"recorded_by", p.actor},
              {"active", !p.lifted_at.has_value()}};
  if (p.lifted_at) {
    out["lifted_at"] = Time(*p.lifted_at);
    out["lifted_by"] = p.lifted_by;
  }
  return out;
}

json EncodeVisitorConsent(const store::VisitorConsentRow& v) {
  return {
      {"id", v.event_id},
      {"categories",
       {{"necessary", true}, {"preferences", v.preferences}, {"statistics", v.statistics}, {"marketing", v.marketing}}},
      {"gpc", v.gpc},
      {"banner_version", v.banner_version},
      {"language", v.language},
      {"policy_version", v.policy_version},
      {"at", Time(v.at)}};
}

json EncodeRenewal(const core::Renewal& r) {
  return {{"subject_id", r.subject_id},
          {"purpose", r.purpose},
          {"channel", r.channel.empty() ? json(nullptr) : json(r.channel)},
          {"reason", std::string(r.reason)},
          {"given_at", Time(r.given_at)},
          {"expires_at", r.expires_at ? Time(*r.expires_at) : json(nullptr)}};
}

json EncodeDecision(const core::Decision& d) {
  return {{"allow", d.allow}, {"rule", std::string(d.rule)}, {"basis", std::string(d.basis)}};
}

void AddConsentRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/subjects/:id/consents", Access::Key("consents.record"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s =
            OnlyKeys(*body, {"purpose", "channel", "action", "method", "language", "evidence", "given_at", "unproven"});
        !s.ok()) {
      return respond(ErrorResponse(s));
    }
    core::ConsentInput in;
    for (auto [key, out] :
         {std::pair{"purpose", &in.purpose}, std::pair{"channel", &in.channel}, std::pair{"action", &in.action},
          std::pair{"method", &in.method}, std::pair{"language", &in.language}}) {
      if (Status s = ReadString(*body, key, *out); !s.ok()) return respond(ErrorResponse(s));
    }
    if (in.purpose.empty()) {
      return respond(ErrorResponse(Status::InvalidArgument("purpose is required", "purpose_required")));
    }
    if (in.action.empty()) {
      return respond(
          ErrorResponse(Status::InvalidArgument("action is required: given, withdrawn or refused", "action_required")));
    }
    if (auto ev = body->find("evidence"); ev != body->end() && !ev->is_null()) {
      if (!ev->is_object())
        return respond(ErrorResponse(Status::InvalidArgument("evidence must be an object", "invalid_type")));
      if (Status s = OnlyKeys(*ev, {"user_agent", "ip"}); !s.ok()) return respond(ErrorResponse(s));
      if (Status s = ReadString(*ev, "user_agent", in.user_agent); !s.ok()) return respond(ErrorResponse(s));
      if (Status s = ReadString(*ev, "ip", in.ip); !s.ok()) return respond(ErrorResponse(s));
    }
    if (auto at = body->find("given_at"); at != body->end() && !at->is_null()) {
      auto t = at->is_string() ? ParseRfc3339(at->get<std::string>()) : Result<TimePoint>(Status::InvalidArgument(""));
      if (!t.ok()) {
        return respond(ErrorResponse(Status::InvalidArgument("given_at must be an RFC 3339 time", "invalid_time")));
      }
      in.at = ToMicros(*t);
    }
    if (auto u = body->find("unproven"); u != body->end() && !u->is_null()) {
      if (!u->is_boolean())
        return respond(ErrorResponse(Status::InvalidArgument("unproven must be true or false", "invalid_type")));
      in.unproven = u->get<bool>();
    }
    app.consents.Record(std::string(req.Param("id")), std::move(in), ActorOf(req),
                         Answer<store::ConsentEventRow>(std::move(respond), 201, EncodeConsent));
  });

  router.Add("GET", "/v1/subjects/:id/consents", Access::Key("consents.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = RequirePurpose(req, *app.config);
    if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
    const std::string id(req.Param("id"));
    auto state = app.consents.State(id);
    if (!state.ok()) return respond(ErrorResponse(state.status()));
    json current = json::array(), history = json::array(), purposes = json::array();
    for (const auto& e : state->current) current.push_back(EncodeConsent(e));
    for (const auto& e : state->history) history.push_back(EncodeConsent(e));
    // What each consent-based purpose allows now, so a form or the portal can show the right boxes ticked.
    const TimePoint now = app.clock.Now();
    for (const auto& p : app.config->purposes) {
      if (p.legal_basis != config::LegalBasis::kConsent) continue;
      auto d = app.decisions.Decide(id, p.id, "", now);
      if (!d.ok()) return respond(ErrorResponse(d.status()));
      json entry = EncodeDecision(*d);
      entry["purpose"] = p.id;
      entry["revision"] = p.revision;
      // Consent given per channel (an e-mail newsletter) shows per channel: the purpose as a whole may say no while
      // the e-mail box is rightly ticked.
      if (!p.channels.empty()) {
        json channels = json::object();
        for (config::Channel c : p.channels) {
          const std::string channel(config::ChannelId(c));
          auto per = app.decisions.Decide(id, p.id, channel, now);
          if (!per.ok()) return respond(ErrorResponse(per.status()));
          channels[channel] = EncodeDecision(*per);
        }
        entry["channels"] = std::move(channels);
      }
      purposes.push_back(std::move(entry));
    }
    respond(JsonResponse(
        200, Dump({{"subject_id", id}, {"purposes", purposes}, {"current", current}, {"history", history}})));
  });

  router.Add("GET", "/v1/subjects/:id/consents/:event/receipt", Access::Key("consents.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = RequirePurpose(req, *app.config);
    if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
    auto receipt = app.consents.Receipt(req.Param("id"), req.Param("event"));
    if (!receipt.ok()) return respond(ErrorResponse(receipt.status()));
    respond(JsonResponse(200, Dump(*receipt)));
  });

  // Consents that need renewing: outdated, expired or expiring within 30 days, or unproven.
  router.Add("GET", "/v1/consents/renewals", Access::Key("consents.read"), [app](const HttpRequest& req, Responder respond) {
    auto limit = LimitOf(req, 100);
    if (!limit.ok()) return respond(ErrorResponse(limit.status()));
    auto page = app.consents.Renewals(req.Query("cursor").value_or(""), *limit);
    if (!page.ok()) return respond(ErrorResponse(page.status()));
    json items = json::array();
    for (const auto& r : page->items) items.push_back(EncodeRenewal(r));
    respond(JsonResponse(200,
                         Dump({{"renewals", items},
                               {"next_cursor", page->next_cursor.empty() ? json(nullptr) : json(page->next_cursor)}})));
  });

  // The cookie banner's choices, by the banner's opaque visitor id. They never count as consent for a purpose.
  router.Add("POST", "/v1/visitors/:visitor_id/consents", Access::Key("consents.record"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(*body, {"categories", "banner_version", "gpc", "language"}); !s.ok()) {
      return respond(ErrorResponse(s));
    }
    core::VisitorConsentInput in;
    auto categories = body->find("categories");
    if (categories == body->end() || !categories->is_object()) {
      return respond(ErrorResponse(Status::InvalidArgument(
          "categories is required: {\"necessary\":true,\"preferences\":…,\"statistics\":…,\"marketing\":…}",
          "categories_required")));
    }
    for (const auto& [name, accepted] : categories->items()) {
      if (!accepted.is_boolean()) {
        return respond(
            ErrorResponse(Status::InvalidArgument("categories." + name + " must be true or false", "invalid_type")));
      }
      in.categories.emplace_back(name, accepted.get<bool>());
    }
    if (Status s = ReadString(*body, "banner_version", in.banner_version); !s.ok()) return respond(ErrorResponse(s));
    if (Status s = ReadString(*body, "language", in.language); !s.ok()) return respond(ErrorResponse(s));
    if (auto gpc = body->find("gpc"); gpc != body->end() && !gpc->is_null()) {
      if (!gpc->is_boolean()) {
        return respond(ErrorResponse(Status::InvalidArgument("gpc must be true or false", "invalid_type")));
      }
      in.gpc = gpc->get<bool>();
    }
    app.consents.RecordVisitor(std::string(req.Param("visitor_id")), std::move(in), ActorOf(req),
                                Answer<store::VisitorConsentRow>(std::move(respond), 201, EncodeVisitorConsent));
  });

  router.Add("GET", "/v1/visitors/:visitor_id/consents", Access::Key("consents.read"), [app](const HttpRequest& req, Responder respond) {
    auto state = app.consents.Visitor(req.Param("visitor_id"));
    if (!state.ok()) return respond(ErrorResponse(state.status()));
    json history = json::array(), subjects = json::array();
    for (const auto& v : state->history) history.push_back(EncodeVisitorConsent(v));
    for (const auto& l : state->links) subjects.push_back(l.subject_id);
    respond(JsonResponse(200, Dump({{"visitor_id", req.Param("visitor_id")},
                                    {"current", history.back()},
                                    {"history", history},
                                    {"linked_subjects", subjects}})));
  });

  router.Add("POST", "/v1/visitors/:visitor_id/link", Access::Key("consents.record"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(*body, {"subject_id"}); !s.ok()) return respond(ErrorResponse(s));
    std::string subject_id;
    if (Status s = ReadString(*body, "subject_id", subject_id); !s.ok()) return respond(ErrorResponse(s));
    app.consents.LinkVisitor(
        std::string(req.Param("visitor_id")), std::move(subject_id), ActorOf(req),
        Answer<store::VisitorLinkRow>(std::move(respond), 200, [](const store::VisitorLinkRow& l) {
          return json{{"visitor_id", l.visitor_id}, {"subject_id", l.subject_id}, {"linked", true}};
        }));
  });

  router.Add("POST", "/v1/subjects/:id/objections", Access::Key("objections.record"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(*body, {"purpose", "channel", "method"}); !s.ok()) return respond(ErrorResponse(s));
    core::ObjectionInput in;
    for (auto [key, out] :
         {std::pair{"purpose", &in.purpose}, std::pair{"channel", &in.channel}, std::pair{"method", &in.method}}) {
      if (Status s = ReadString(*body, key, *out); !s.ok()) return respond(ErrorResponse(s));
    }
    app.consents.Object(std::string(req.Param("id")), std::move(in), ActorOf(req),
                         Answer<store::ObjectionRow>(std::move(respond), 201, EncodeObjection));
  });

  router.Add("GET", "/v1/subjects/:id/objections", Access::Key("consents.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = RequirePurpose(req, *app.config);
    if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
    auto rows = app.consents.Objections(req.Param("id"));
    if (!rows.ok()) return respond(ErrorResponse(rows.status()));
    json list = json::array();
    for (const auto& o : *rows) list.push_back(EncodeObjection(o));
    respond(JsonResponse(200, Dump({{"subject_id", req.Param("id")}, {"objections", list}})));
  });

  router.Add("POST", "/v1/subjects/:id/objections/:oid/decision", Access::Key("objections.decide"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(*body, {"outcome", "reason"}); !s.ok()) return respond(ErrorResponse(s));
    std::string outcome, reason;
    if (Status s = ReadString(*body, "outcome", outcome); !s.ok()) return respond(ErrorResponse(s));
    if (Status s = ReadString(*body, "reason", reason); !s.ok()) return respond(ErrorResponse(s));
    app.consents.DecideObjection(std::string(req.Param("id")), std::string(req.Param("oid")), outcome, reason,
                                  ActorOf(req),
                                  Answer<store::ObjectionRow>(std::move(respond), 200, EncodeObjection));
  });

  router.Add("POST", "/v1/subjects/:id/prohibitions", Access::Key("prohibitions.manage"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(*body, {"code", "purpose", "channel", "method"}); !s.ok()) return respond(ErrorResponse(s));
    core::ProhibitionInput in;
    for (auto [key, out] : {std::pair{"code", &in.code}, std::pair{"purpose", &in.purpose},
                            std::pair{"channel", &in.channel}, std::pair{"method", &in.method}}) {
      if (Status s = ReadString(*body, key, *out); !s.ok()) return respond(ErrorResponse(s));
    }
    app.consents.Prohibit(std::string(req.Param("id")), std::move(in), ActorOf(req),
                           Answer<store::ProhibitionRow>(std::move(respond), 201, EncodeProhibition));
  });

  router.Add("GET", "/v1/subjects/:id/prohibitions", Access::Key("consents.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = RequirePurpose(req, *app.config);
    if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
    auto rows = app.consents.Prohibitions(req.Param("id"));
    if (!rows.ok()) return respond(ErrorResponse(rows.status()));
    json list = json::array();
    for (const auto& p : *rows) list.push_back(EncodeProhibition(p));
    respond(JsonResponse(200, Dump({{"subject_id", req.Param("id")}, {"prohibitions", list}})));
  });

  router.Add("DELETE", "/v1/subjects/:id/prohibitions/:pid", Access::Key("prohibitions.manage"), [app](const HttpRequest& req, Responder respond) {
    app.consents.LiftProhibition(std::string(req.Param("id")), std::string(req.Param("pid")), ActorOf(req),
                                  Answer<store::ProhibitionRow>(std::move(respond), 200, EncodeProhibition));
  });

  router.Add("POST", "/v1/subjects/:id/restriction", Access::Key("restrictions.manage"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(*body, {"reason"}); !s.ok()) return respond(ErrorResponse(s));
    std::string reason;
    if (Status s = ReadString(*body, "reason", reason); !s.ok()) return respond(ErrorResponse(s));
    app.consents.Restrict(std::string(req.Param("id")), reason, ActorOf(req),
                           Answer<store::RestrictionRow>(std::move(respond), 201, EncodeRestriction));
  });

  router.Add("DELETE", "/v1/subjects/:id/restriction", Access::Key("restrictions.manage"), kJsonBody, [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, true);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(*body, {"notice"}); !s.ok()) return respond(ErrorResponse(s));
    std::string notice;
    if (Status s = ReadString(*body, "notice", notice); !s.ok()) return respond(ErrorResponse(s));
    app.consents.Lift(std::string(req.Param("id")), notice, ActorOf(req),
                       Answer<std::string>(std::move(respond), 200, [](const std::string& id) {
                         return json{{"subject_id", id}, {"restricted", false}};
                       }));
  });

  router.Add("GET", "/v1/subjects/:id/restriction", Access::Key("consents.read"), [app](const HttpRequest& req, Responder respond) {
    auto rows = app.consents.Restrictions(req.Param("id"));
    if (!rows.ok()) return respond(ErrorResponse(rows.status()));
    json list = json::array();
    bool active = false;
    for (const auto& r : *rows) {
      list.push_back(EncodeRestriction(r));
      active = active || !r.lifted_at;
    }
    respond(JsonResponse(200, Dump({{"subject_id", req.Param("id")}, {"restricted", active}, {"history", list}})));
  });
}

void AddDecisionRoutes(Router& router, const AppContext& app) {
  // Decisions hold no personal data: counted in metrics, not audited.
  router.Add("GET", "/v1/decide", Access::Key("decide"), [app](const HttpRequest& req, Responder respond) {
    auto subject = req.Query("subject");
    auto purpose = req.Query("purpose");
    if (!subject || subject->empty() || !purpose || purpose->empty()) {
      return respond(ErrorResponse(
          Status::InvalidArgument("ask as /v1/decide?subject=ID&purpose=PURPOSE[&channel=CHANNEL]", "invalid_query")));
    }
    const std::string_view channel = req.Query("channel").value_or("");
    // consistent=true reads the subject through to the database first: for a decision that must reflect a write
    // made through another server this instant.
    if (auto consistent = req.Query("consistent"); consistent && *consistent != "false") {
      if (*consistent != "true") {
        return respond(ErrorResponse(Status::InvalidArgument("consistent must be true or false", "invalid_query")));
      }
      if (Status s = app.decisions.Refresh(app.store, std::string(*subject)); !s.ok()) {
        return respond(ErrorResponse(s));
      }
    }
    auto d = app.decisions.Decide(*subject, *purpose, channel, app.clock.Now());
    if (!d.ok()) return respond(ErrorResponse(d.status()));
    json out = EncodeDecision(*d);
    out["subject"] = *subject;
    out["purpose"] = *purpose;
    out["channel"] = channel.empty() ? json(nullptr) : json(channel);
    respond(JsonResponse(200, Dump(out)));
  });

  router.Add("POST", "/v1/decide/batch", Access::Key("decide"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    auto checks = body->find("checks");
    if (checks == body->end() || !checks->is_array()) {
      return respond(ErrorResponse(Status::InvalidArgument(
          "send {\"checks\":[{\"subject\":…,\"purpose\":…,\"channel\":…}, …]}", "invalid_type")));
    }
    if (checks->size() > kMaxBatch) {
      return respond(ErrorResponse(Status::TooLarge("at most 10000 checks per batch", "batch_too_large")));
    }
    const TimePoint now = app.clock.Now();
    json results = json::array();
    for (size_t i = 0; i < checks->size(); ++i) {
      const json& c = (*checks)[i];
      std::string subject, purpose, channel;
      Status s = c.is_object() ? Status::Ok() : Status::InvalidArgument("each check must be an object", "invalid_type");
      if (s.ok()) s = ReadString(c, "subject", subject);
      if (s.ok()) s = ReadString(c, "purpose", purpose);
      if (s.ok()) s = ReadString(c, "channel", channel);
      if (s.ok() && (subject.empty() || purpose.empty())) {
        s = Status::InvalidArgument("each check needs subject and purpose", "invalid_query");
      }
      json entry = {{"index", i}, {"subject", subject}, {"purpose", purpose}};
      if (!channel.empty()) entry["channel"] = channel;
      Result<core::Decision> d =
          s.ok() ? app.decisions.Decide(subject, purpose, channel, now) : Result<core::Decision>(s);
      if (d.ok()) {
        entry.update(EncodeDecision(*d));
      } else {
        entry["error"] = {{"code", d.status().reason()}, {"message", d.status().message()}};
      }
      results.push_back(std::move(entry));
    }
    respond(JsonResponse(200, Dump({{"results", results}})));
  });
}

}  // namespace

void AddConsentAndDecisionRoutes(Router& router, const AppContext& app) {
  AddConsentRoutes(router, app);
  AddDecisionRoutes(router, app);
}

}  // namespace tillit::http
