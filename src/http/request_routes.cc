// Rights-request routes: receipt, the staff queue, verification by code and staff actions. Decode and validate,
// call Requests, encode.
#include <nlohmann/json.hpp>

#include "core/rights/inbound_mail.h"
#include "core/rights/requests.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/route_support.h"
#include "http/routes.h"
#include "util/clock.h"

namespace tillit::http {
namespace {

using nlohmann::json;

json OptionalTime(const std::optional<int64_t>& micros) { return micros ? Time(*micros) : json(nullptr); }

json EncodeRequest(const store::RightsRequestRow& r, bool show_subject) {
  json out = {{"id", r.request_id},
              {"type", r.type},
              {"status", r.status},
              {"channel", r.channel},
              {"language", r.language},
              {"received_at", Time(r.received_at)},
              {"due_at", Time(r.due_at)},
              {"original_due_at", Time(r.original_due_at)},
              {"extended", r.extended},
              {"verified_at", OptionalTime(r.verified_at)},
              {"approved_at", OptionalTime(r.approved_at)},
              {"closed_at", OptionalTime(r.closed_at)}};
  if (show_subject) out["subject"] = r.subject_id.empty() ? json(nullptr) : json(r.subject_id);
  return out;
}

// The answer for a request: route_support's Answer with the request encoded, its subject shown or not.
std::function<void(Result<store::RightsRequestRow>)> AnswerRequest(Responder respond, int status, bool show_subject) {
  return Answer<store::RightsRequestRow>(std::move(respond), status, [show_subject](const store::RightsRequestRow& r) {
    return EncodeRequest(r, show_subject);
  });
}

// A staff action with an optional JSON body of `keys`.
using Action = std::function<void(const AppContext&, std::string id, const json& body, core::Actor actor,
                                  std::function<void(Result<store::RightsRequestRow>)> done)>;
void AddAction(Router& router, const AppContext& app, const std::string& name, const char* needed,
               std::initializer_list<std::string_view> keys, Action action) {
  std::vector<std::string_view> allowed(keys);
  router.Add("POST", "/v1/requests/:id/" + name, Access::Key(needed),
             [app, allowed, action](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, true);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    for (const auto& [key, value] : body->items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string known;
        for (auto k : allowed) known += (known.empty() ? "" : ", ") + std::string(k);
        return respond(ErrorResponse(Status::InvalidArgument(
            "unknown key '" + key + "'" + (known.empty() ? "; send no body" : "; use " + known), "unknown_key")));
      }
    }
    action(app, std::string(req.Param("id")), *body, ActorOf(req), AnswerRequest(std::move(respond), 200, true));
  });
}

}  // namespace

void AddRequestRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/requests", Access::Key("requests.create"), [app](const HttpRequest& req, Responder respond) {
    auto body = ParseObject(req, false);
    if (!body.ok()) return respond(ErrorResponse(body.status()));
    if (Status s = OnlyKeys(
            *body, {"type", "subject", "email", "channel", "text", "language", "patch", "purpose", "channels"});
        !s.ok()) {
      return respond(ErrorResponse(s));
    }
    core::RequestInput in;
    for (auto [key, out] :
         {std::pair{"type", &in.type}, std::pair{"subject", &in.subject_id}, std::pair{"email", &in.email},
          std::pair{"channel", &in.channel}, std::pair{"text", &in.text}, std::pair{"language", &in.language},
          std::pair{"purpose", &in.purpose}}) {
      if (Status s = ReadString(*body, key, *out); !s.ok()) return respond(ErrorResponse(s));
    }
    if (in.type.empty()) {
      return respond(ErrorResponse(Status::InvalidArgument(
          "type is required: access, portability, rectification, erasure, restriction, objection, "
          "withdraw_consent or inquiry",
          "type_required")));
    }
    if (auto p = body->find("patch"); p != body->end() && !p->is_null()) in.patch = *p;
    if (auto c = body->find("channels"); c != body->end() && !c->is_null()) {
      if (!c->is_array()) {
        return respond(ErrorResponse(
            Status::InvalidArgument("channels must be a list such as [\"phone\", \"post\"]", "invalid_type")));
      }
      for (const auto& ch : *c) {
        if (!ch.is_string()) {
          return respond(ErrorResponse(Status::InvalidArgument("channels must be strings", "invalid_type")));
        }
        in.channels.push_back(ch.get<std::string>());
      }
    }
    in.client_address = req.client_ip;
    // A key without requests.manage files on the subject's behalf; the subject's code confirms a change of rights.
    in.caller_may_act = req.principal->AllowsAction("requests.manage");
    const bool show_subject = !in.subject_id.empty();
    app.requests.Create(std::move(in), ActorOf(req), AnswerRequest(std::move(respond), 201, show_subject));
  });

  router.Add("GET", "/v1/requests", Access::Key("requests.read"), [app](const HttpRequest& req, Responder respond) {
    store::RequestQuery q;
    q.status = std::string(req.Query("status").value_or(""));
    static const std::vector<std::string> kStatuses = {"received", "verified",  "approved", "in_progress",
                                                       "extended", "completed", "rejected"};
    if (!q.status.empty() && std::find(kStatuses.begin(), kStatuses.end(), q.status) == kStatuses.end()) {
      return respond(ErrorResponse(Status::InvalidArgument(
          "status must be one of received, verified, approved, in_progress, extended, completed, rejected",
          "invalid_status")));
    }
    if (auto due = req.Query("due_before")) {
      auto t = ParseRfc3339(*due);
      if (!t.ok()) {
        return respond(ErrorResponse(Status::InvalidArgument("due_before must be an RFC 3339 time", "invalid_time")));
      }
      q.due_before = ToMicros(*t);
      q.open_only = true;
    }
    if (auto overdue = req.Query("overdue")) {
      if (*overdue != "true" && *overdue != "false") {
        return respond(ErrorResponse(Status::InvalidArgument("overdue must be true or false", "invalid_query")));
      }
      if (*overdue == "true") {
        q.due_before = ToMicros(app.clock.Now());
        q.open_only = true;
      }
    }
    if (req.Query("limit")) {
      auto limit = LimitOf(req, 0);
      if (!limit.ok()) return respond(ErrorResponse(limit.status()));
      q.limit = *limit;
    }
    auto page = app.requests.List(q, req.Query("cursor").value_or(""));
    if (!page.ok()) return respond(ErrorResponse(page.status()));
    json items = json::array();
    for (const auto& r : page->requests) items.push_back(EncodeRequest(r, true));
    respond(JsonResponse(200,
                         Dump({{"requests", items},
                               {"next_cursor", page->next_cursor.empty() ? json(nullptr) : json(page->next_cursor)}})));
  });

  router.Add("GET", "/v1/requests/:id", Access::Key("requests.read"), [app](const HttpRequest& req, Responder respond) {
    app.requests.Read(std::string(req.Param("id")), ActorOf(req),
                       [app, respond = std::move(respond)](Result<core::RequestView> view) {
                         if (!view.ok()) return respond(ErrorResponse(view.status()));
                         json out = EncodeRequest(view->request.row, true);
                         const json& d = view->request.details;
                         out["text"] = d.value("text", "");
                         if (d.contains("email")) out["email"] = d["email"];
                         if (d.contains("patch")) out["patch"] = d["patch"];
                         if (d.contains("purpose")) out["purpose"] = d["purpose"];
                         if (d.contains("channels")) out["channels"] = d["channels"];
                         // Who stood behind it: staff, a key with requests.manage, or a key and the subject's code.
                         if (d.contains("authority")) out["authority"] = d["authority"];
                         json history = json::array();
                         for (const auto& e : view->history) {
                           json entry = {{"status", e.status}, {"at", Time(e.at)}, {"by", e.actor}};
                           if (!e.note.empty()) entry["note"] = e.note;
                           history.push_back(std::move(entry));
                         }
                         out["history"] = history;
                         out["overdue"] =
                             !view->request.row.closed_at && ToMicros(app.clock.Now()) > view->request.row.due_at;
                         respond(JsonResponse(200, Dump(out)));
                       });
  });

  // A raw RFC 5322 message, as a mail server's pipe or webhook delivers it. The answer names the request but never
  // whether the sender is a customer. Needs the register (AppContext::reg), which every server has.
  router.Add("POST", "/v1/mail/inbound", Access::Key("requests.create"), MediaTypes{"message/rfc822", "text/plain"},
             [app](const HttpRequest& req, Responder respond) {
    if (req.body.empty()) {
      return respond(ErrorResponse(Status::InvalidArgument("send the raw message as the body", "invalid_mail")));
    }
    auto mail = core::ParseInboundMail(req.body);
    if (!mail.ok()) return respond(ErrorResponse(mail.status()));
    // An opt-out from an address no subject has is kept as a suppression, so a later sign-up starts opted out.
    core::ReceiveMail(*app.config, *mail, app.reg, app.requests, ActorOf(req),
                      req.principal->AllowsAction("requests.manage"), AnswerRequest(std::move(respond), 202, false));
  });

  AddAction(router, app, "verify", "requests.create", {"code"},
            [](const AppContext& app, std::string id, const json& body, core::Actor actor, auto done) {
              std::string code;
              if (Status s = ReadString(body, "code", code); !s.ok()) return done(s);
              if (code.empty())
                return done(Status::InvalidArgument("code is required: the six digits from the mail", "code_required"));
              app.requests.Verify(std::move(id), std::move(code), actor, std::move(done));
            });
  router.Add("POST", "/v1/requests/:id/code", Access::Key("requests.create"), [app](const HttpRequest& req, Responder respond) {
    app.requests.SendCode(std::string(req.Param("id")), ActorOf(req), AnswerRequest(std::move(respond), 202, true),
                           req.client_ip);
  });
  AddAction(router, app, "approve", "requests.manage", {},
            [](const AppContext& app, std::string id, const json&, core::Actor actor, auto done) {
              app.requests.Approve(std::move(id), actor, std::move(done));
            });
  AddAction(router, app, "reject", "requests.manage", {"reason"},
            [](const AppContext& app, std::string id, const json& body, core::Actor actor, auto done) {
              std::string reason;
              if (Status s = ReadString(body, "reason", reason); !s.ok()) return done(s);
              app.requests.Reject(std::move(id), std::move(reason), actor, std::move(done));
            });
  AddAction(router, app, "extend", "requests.manage", {"reason", "months"},
            [](const AppContext& app, std::string id, const json& body, core::Actor actor, auto done) {
              std::string reason;
              if (Status s = ReadString(body, "reason", reason); !s.ok()) return done(s);
              int months = 2;
              if (auto m = body.find("months"); m != body.end() && !m->is_null()) {
                if (!m->is_number_integer())
                  return done(Status::InvalidArgument("months must be 1 or 2", "invalid_months"));
                months = m->get<int>();
              }
              app.requests.Extend(std::move(id), months, std::move(reason), actor, std::move(done));
            });
  AddAction(router, app, "complete", "requests.manage", {"note"},
            [](const AppContext& app, std::string id, const json& body, core::Actor actor, auto done) {
              std::string note;
              if (Status s = ReadString(body, "note", note); !s.ok()) return done(s);
              app.requests.Complete(std::move(id), std::move(note), actor, std::move(done));
            });
}

}  // namespace tillit::http
