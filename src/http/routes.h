// The API's routes. Handlers are thin: decode and validate, call one service, encode.
#ifndef TILLIT_HTTP_ROUTES_H_
#define TILLIT_HTTP_ROUTES_H_

#include <memory>
#include <string>

#include "config/config.h"
#include "core/rights/access_report.h"
#include "core/access/api_keys.h"
#include "core/consent/audience.h"
#include "core/consent/consents.h"
#include "core/consent/decisions.h"
#include "core/disclosure/disclosures.h"
#include "core/rights/downloads.h"
#include "core/register/erasure.h"
#include "core/rights/portability.h"
#include "core/register/register.h"
#include "core/rights/requests.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/worker_pool.h"

namespace tillit::http {

// What handlers need; outlives the server. Every member must be given: it holds references, so it cannot be
// half-filled.
struct AppContext {
  std::shared_ptr<const config::Config> config;
  std::string policy_version;
  store::Store& store;
  core::ApiKeys& api_keys;
  Metrics& metrics;
  Clock& clock;
  core::Register& reg;
  core::Consents& consents;
  core::DecisionIndex& decisions;
  core::Audiences& audiences;
  core::Disclosures& disclosures;
  core::AccessReports& reports;
  core::Portability& portability;
  core::Erasure& erasure;
  core::Requests& requests;
  core::Downloads& downloads;
  WorkerPool& background;  // long work, off the I/O threads
};

// The register's routes (register_routes.cc).
void AddRegisterRoutes(Router& router, const AppContext& app);
// Consents, objections, restriction and decisions (consent_routes.cc).
void AddConsentAndDecisionRoutes(Router& router, const AppContext& app);
// Marketing audiences (audience_routes.cc).
void AddAudienceRoutes(Router& router, const AppContext& app);
// Disclosures to recipients and the webhook outbox (disclosure_routes.cc).
void AddDisclosureRoutes(Router& router, const AppContext& app);
void AddWebhookRoutes(Router& router, const AppContext& app);
// The access report, the portability archive and their download links (report_routes.cc).
void AddReportRoutes(Router& router, const AppContext& app);
// The published privacy policy and processor overview, /privacy/{lang} (policy_routes.cc). Renders every page of
// the configuration's languages when called. Also the published versions, /v1/policy/versions and /v1/policy/diff.
void AddPolicyRoutes(Router& router, const AppContext& app);

// Rights requests (request_routes.cc).
void AddRequestRoutes(Router& router, const AppContext& app);

Router BuildRouter(const AppContext& app);

}  // namespace tillit::http

#endif  // TILLIT_HTTP_ROUTES_H_
