// Disclosure and webhook routes. Decode and validate, call Disclosures or the webhook deliveries service, encode.
//   POST /v1/subjects/{id}/disclosures           log a hand-over of the subject's data to a recipient
//   GET  /v1/subjects/{id}/disclosures           the subject's disclosures (names its purpose)
//   GET  /v1/webhooks/deliveries?status=…        the outbox: failed (default), dead, pending, delivered or all
//   POST /v1/webhooks/deliveries/{id}/retry      a dead delivery back to pending, attempts from zero
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/audit/audit.h"
#include "core/disclosure/disclosures.h"
#include "core/disclosure/webhook_deliveries.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/route_support.h"
#include "http/routes.h"
#include "util/clock.h"

namespace tillit::http {
namespace {

using nlohmann::json;


json EncodeDisclosure(const core::DisclosureView& d) {
  return {{"id", d.id},
          {"recipient", d.recipient},
          {"categories", d.categories},
          {"purpose", d.purpose},
          {"reference", d.reference ? json(*d.reference) : json(nullptr)},
          {"at", Time(d.at)},
          {"recorded_at", Time(d.recorded_at)},
          {"recorded_by", d.recorded_by}};
}

json EncodeDelivery(const store::WebhookDeliveryRow& r) {
  json j = {{"id", r.delivery_id},
            {"recipient", r.recipient},
            {"event", r.event},
            {"status", r.status},
            {"attempts", r.attempts},
            {"created_at", Time(r.created_at)},
            {"last_status", r.last_status == 0 ? json(nullptr) : json(r.last_status)},
            {"last_error", r.last_error.empty() ? json(nullptr) : json(r.last_error)}};
  if (r.status == "pending") j["next_attempt_at"] = Time(r.next_attempt_at);
  if (r.delivered_at) j["delivered_at"] = Time(*r.delivered_at);
  j["body"] = json::parse(r.body, nullptr, false);
  return j;
}

Status BadType(const char* key, const char* what) {
  return Status::InvalidArgument(std::string(key) + " must be " + what, "invalid_type");
}

Result<core::DisclosureInput> DecodeDisclosure(const HttpRequest& req) {
  TILLIT_ASSIGN_OR_RETURN(json body, ParseObject(req, false));
  core::DisclosureInput in;
  for (const auto& [key, value] : body.items()) {
    if (key == "recipient" || key == "purpose" || key == "reference") {
      if (value.is_null()) continue;
      if (!value.is_string()) return BadType(key.c_str(), "a string");
      (key == "recipient" ? in.recipient : key == "purpose" ? in.purpose : in.reference) = value.get<std::string>();
    } else if (key == "categories") {
      if (!value.is_array()) return BadType("categories", "an array of category ids");
      for (const auto& c : value) {
        if (!c.is_string()) return BadType("categories", "an array of category ids");
        in.categories.push_back(c.get<std::string>());
      }
    } else if (key == "at") {
      if (value.is_null()) continue;
      auto t =
          value.is_string() ? ParseRfc3339(value.get<std::string>()) : Result<TimePoint>(Status::InvalidArgument(""));
      if (!t.ok()) return Status::InvalidArgument("at must be an RFC 3339 time", "invalid_time");
      in.at = ToMicros(*t);
    } else {
      return Status::InvalidArgument("unknown key '" + key + "'; use recipient, categories, purpose, reference, at",
                                     "unknown_key");
    }
  }
  return in;
}

}  // namespace

void AddDisclosureRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/subjects/:id/disclosures", Access::Key("disclosures.record"), [app](const HttpRequest& req, Responder respond) {
    auto in = DecodeDisclosure(req);
    if (!in.ok()) return respond(ErrorResponse(in.status()));
    if (!in->purpose.empty() && !req.principal->AllowsPurpose(in->purpose)) {
      return respond(ErrorResponse(Status::PermissionDenied(
          "this API key may not act for purpose '" + in->purpose + "'", "purpose_not_allowed")));
    }
    app.disclosures.Record(std::string(req.Param("id")), std::move(*in), ActorOf(req),
                            [respond](Result<core::DisclosureView> r) {
                              if (!r.ok()) return respond(ErrorResponse(r.status()));
                              respond(JsonResponse(201, Dump(EncodeDisclosure(*r))));
                            });
  });

  router.Add("GET", "/v1/subjects/:id/disclosures", Access::Key("subjects.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = RequirePurpose(req, *app.config);
    if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
    const std::string id(req.Param("id"));
    app.disclosures.List(id, ActorOf(req), *purpose,
                          [respond, id](Result<std::vector<core::DisclosureView>> r) {
                            if (!r.ok()) return respond(ErrorResponse(r.status()));
                            json list = json::array();
                            for (const auto& d : *r) list.push_back(EncodeDisclosure(d));
                            respond(JsonResponse(200, Dump({{"subject_id", id}, {"disclosures", list}})));
                          });
  });
}

void AddWebhookRoutes(Router& router, const AppContext& app) {
  router.Add("GET", "/v1/webhooks/deliveries", Access::Key("webhooks.manage"), [app](const HttpRequest& req, Responder respond) {
    auto limit = LimitOf(req, 100);
    if (!limit.ok()) return respond(ErrorResponse(limit.status()));
    const std::string status(req.Query("status").value_or("failed"));
    auto rows = core::ListWebhookDeliveries(app.store, status, *limit);
    if (!rows.ok()) return respond(ErrorResponse(rows.status()));
    json list = json::array();
    for (const auto& r : *rows) list.push_back(EncodeDelivery(r));
    respond(JsonResponse(200, Dump({{"status", status}, {"deliveries", list}})));
  });

  router.Add("POST", "/v1/webhooks/deliveries/:id/retry", Access::Key("webhooks.manage"), [app](const HttpRequest& req, Responder respond) {
    core::RetryWebhookDelivery(app.store, app.clock, req.Param("id"),
                               ActorOf(req), Answer<store::WebhookDeliveryRow>(respond, 200, EncodeDelivery));
  });
}

}  // namespace tillit::http
