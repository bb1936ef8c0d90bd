// Config: the controller's privacy policy as code. One validated, immutable value loaded from tillit.toml
// (see docs/CONFIGURATION.md); every service reads its rules from here and the generated policy renders from it,
// so what the policy says and what the code enforces cannot drift apart.
//
// Thread safety: immutable after loading; share a `std::shared_ptr<const Config>` freely across threads.
#ifndef TILLIT_CONFIG_CONFIG_H_
#define TILLIT_CONFIG_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/duration.h"
#include "util/status.h"

namespace tillit::config {

// Text per language code ("en", "sv", "nb", "fi").
using Localised = std::map<std::string, std::string, std::less<>>;

// The text in `lang`, else in `fallback`, else any, else "".
std::string_view Pick(const Localised& text, std::string_view lang, std::string_view fallback = "en");

enum class LegalBasis { kConsent, kContract, kLegalObligation, kLegitimateInterest, kVitalInterest, kPublicTask };
std::string_view LegalBasisId(LegalBasis basis);
std::optional<LegalBasis> ParseLegalBasis(std::string_view id);
std::string_view LegalBasisDpv(LegalBasis basis);  // "dpv:Consent" …

enum class Channel { kEmail, kSms, kPhone, kPost };
std::string_view ChannelId(Channel channel);
std::optional<Channel> ParseChannel(std::string_view id);

enum class Anchor { kCollected, kLastActivity, kAgreementEnd, kFiscalYearEnd, kCalendarYearEndAfterFy, kErased };
std::string_view AnchorId(Anchor anchor);
std::optional<Anchor> ParseAnchor(std::string_view id);

enum class RecipientRole { kProcessor, kController, kThirdParty };
std::string_view RecipientRoleId(RecipientRole role);

enum class CookieCategory { kNecessary, kPreferences, kStatistics, kMarketing };
std::string_view CookieCategoryId(CookieCategory category);

// How a consent, a withdrawal, an objection or a prohibition code reached the controller: one vocabulary for the
// `method` of consent events, objections and prohibitions, and for a purpose's `withdraw` and `objection` routes,
// which name the methods that are routes a subject can take on their own (`route`). So every route the policy
// promises can be recorded when a subject takes it.
struct ConsentMethod {
  std::string_view id;
  bool route;  // may be named in a purpose's `withdraw` / `objection`
};
inline constexpr ConsentMethod kConsentMethods[] = {
    {"web_form", false}, {"portal", true}, {"banner", false}, {"email", true}, {"link", true},     {"phone", true},
    {"letter", false},   {"staff", true},  {"api", false},    {"import", false}, {"checkout", false}};
// The ids of kConsentMethods, in order; and those that are routes.
const std::vector<std::string>& ConsentMethodIds();
const std::vector<std::string>& WithdrawalRoutes();

struct SupervisoryAuthority {
  std::string name;
  std::string address;
  std::string website;
  std::string email;
};

// The controller's representative in the Union (Art. 27), for a controller established outside it.
struct Representative {
  std::string name;
  std::string address;
  std::string email;
};

struct Controller {
  std::string name;
  std::string trade_name;
  std::string org_number;
  std::string address;
  std::string country;  // ISO 3166-1 alpha-2
  std::string email;
  std::string phone;
  std::string website;
  Localised register_name;
  std::string time_zone;
  int fiscal_year_end_month = 12;
  int fiscal_year_end_day = 31;
  std::string dpo_name;
  std::string dpo_email;
  Representative representative;  // empty name: none
  SupervisoryAuthority authority;
};

struct Category {
  std::string id;
  std::string dpv;
  std::string fideslang;
  Localised name;
  bool portable = true;
  bool custom = false;
};

struct Source {
  std::string id;
  std::string name;
  std::vector<std::string> categories;
  Localised description;
};

struct Purpose {
  std::string id;
  LegalBasis legal_basis = LegalBasis::kContract;
  std::vector<std::string> categories;
  Localised name;
  Localised description;
  int64_t revision = 1;
  std::optional<Duration> consent_validity;
  std::vector<std::string> withdraw;
  std::vector<Channel> channels;
  bool own_similar_products = false;
  std::vector<std::string> objection;
  bool builtin = false;

  bool UsesCategory(std::string_view category) const;
};

struct RetentionRule {
  std::string category;  // exactly one of category / record_kind is set
  std::string record_kind;
  Duration duration;
  Anchor anchor = Anchor::kCollected;
  bool accounting = false;
  Localised reason;
  // The law that requires the data to be kept ("bokføringsloven § 13"), per language; empty for a rule no law
  // demands. For accounting rules RetentionLaw falls back on the bookkeeping law of the controller's country.
  Localised law;
};


// The events tillit POSTs to a recipient's webhook (core/disclosure/webhooks.h).
inline constexpr std::string_view kWebhookEvents[] = {"subject.rectified", "subject.erased",    "subject.restricted",
                                                      "consent.changed",   "request.completed", "audit.checkpoint"};

// Where a recipient wants to hear of changes it must act on (Art. 19). Operational, like [server]: not part of the
// published configuration, and the secret never leaves the server.
struct Webhook {
  std::string url;  // http:// or https://
  std::string secret;
  std::vector<std::string> events;  // from kWebhookEvents
  // Which subjects' Art. 19 events (subject.rectified, .erased, .restricted) the recipient hears of: "disclosed",
  // only those the disclosure log says it received data of; "all", every subject (a processor that holds the whole
  // register, such as the shop platform).
  std::string scope = "disclosed";

  bool Wants(std::string_view event) const;
};

struct Recipient {
  std::string id;
  std::string name;
  RecipientRole role = RecipientRole::kProcessor;
  std::string country;
  std::string safeguard;  // "" inside the EEA
  std::vector<std::string> categories;
  std::vector<std::string> purposes;
  Localised description;
  std::string service;
  std::optional<Webhook> webhook;
};

struct Cookie {
  std::string id;
  std::string name;
  std::string provider;
  std::string recipient;
  CookieCategory category = CookieCategory::kNecessary;
  std::string purpose;
  std::optional<Duration> duration;
  std::string country;
  std::string without_consent = "not_loaded";
  Localised description;
};

struct OptOutRegister {
  std::string id;
  std::string country;
  std::vector<Channel> channels;
  Duration max_age;
  bool existing_customers_exempt = false;
};

struct Marketing {
  bool existing_customer_exception = true;
  std::string opt_out_subject;
  std::string opt_out_email;
  bool prohibition_codes = false;
  std::vector<OptOutRegister> opt_out_registers;
};

struct Rights {
  std::vector<std::string> approval_required;
  std::string email;
  std::string portal_url;
  bool identity_check = true;
  bool processor_overview_on_request = false;
  // How long a generated access report stays downloadable: rights.report_validity, 30 days by default.
  Duration report_validity{0, 30};
};

// Outgoing mail ([mail]). Not part of the published configuration.
struct Mail {
  std::string smtp_url;   // "smtp://host:port" or "smtps://…"; empty: mail stays queued in the outbox
  // How mail is protected on its way to the relay: "starttls" (the default for smtp://: STARTTLS is required and the
  // certificate checked; a relay on this machine — localhost, 127.0.0.1, ::1 — may answer in plain) or "none"
  // (plain SMTP to any relay; `tillit check` warns). smtps:// is TLS from the first byte, certificate checked.
  std::string tls = "starttls";
  std::string from;       // the From address; the controller's e-mail when empty
  int max_attempts = 10;  // delivery attempts before a mail is marked failed
  // Days a sent or failed mail stays in the outbox (evidence that the answer went out) before the retention sweep
  // deletes it with its sealed recipient and message.
  int keep_days = 30;
};

// Handling of rights requests ([requests]). Which types need staff approval is [rights] approval_required.
struct Requests {
  int code_minutes = 10;           // a verification code expires this many minutes after it was sent
  int code_attempts = 5;           // wrong answers allowed per code; the next one invalidates it
  int codes_per_subject_hour = 5;  // codes sent per subject per hour, at most
  int codes_per_ip_hour = 20;      // codes requested per source address per hour, at most
};

struct PolicyTexts {
  std::map<std::string, std::string, std::less<>> texts;  // "intro" → text
};

struct Server {
  std::string listen = "127.0.0.1:8080";
  uint64_t max_body_bytes = 1 << 20;
  std::string public_url;
  // The store: "" or "sqlite" for SQLite in the data directory, "postgres://…" for PostgreSQL. The --store flag and
  // TILLIT_STORE take precedence. Not part of the published configuration.
  std::string store;
  // Webhook delivery: the wait before the first retry, doubled for each further one, and the attempts after which a
  // delivery is given up ("dead").
  int64_t webhook_retry_ms = 30000;
  int webhook_max_attempts = 8;
  // How often `tillit serve` runs the retention sweep; 0: never (only `tillit retention run`). Not published.
  int retention_sweep_minutes = 60;
  // TLS: PEM files of the certificate (with its chain) and its private key. With both, `tillit serve` speaks HTTPS
  // only (TLS 1.2 and later) and reloads them on SIGHUP. Without them it refuses to listen on an address other than
  // loopback unless `behind_tls_proxy` says a TLS proxy in front terminates the connections.
  std::string tls_certificate;
  std::string tls_key;
  bool behind_tls_proxy = false;
  // The header a trusted proxy in front puts the end client's address in ("X-Forwarded-For", "X-Real-IP"): used
  // only for per-client rate limits. Empty (the default): the end client's address is unknown.
  std::string trusted_proxy_header;
};

// The audit log's external witness ([audit]): where the latest signed head of the audit chain is also sent, so that
// someone who controls both the database and the key store still cannot roll the log back unnoticed (core/
// audit_witness.h). Operational, like [server]: not part of the published configuration.
struct Audit {
  // An absolute path: one line per signed head (seq, hash, signature, time) is appended and synced; "" for none.
  std::string witness_file;
  // At most one witness line and one audit.checkpoint webhook event per interval, plus one at shutdown.
  int64_t witness_interval_seconds = 60;
};

struct Config {
  std::string source_path;
  Controller controller;
  std::vector<std::string> languages;
  std::vector<Category> categories;  // in use: built-in ones resolved plus custom ones
  std::vector<Source> sources;
  std::vector<Purpose> purposes;  // declared ones, then built-ins not declared
  std::vector<RetentionRule> retention;
  std::vector<std::string> record_kinds;  // built-in plus configured
  std::vector<Recipient> recipients;
  std::vector<Cookie> cookies;
  Marketing marketing;
  Rights rights;
  Mail mail;
  Requests requests;
  std::map<std::string, PolicyTexts, std::less<>> policy;  // by language
  Server server;
  Audit audit;

  const std::string& default_language() const { return languages.front(); }
  // Ok when the shop publishes `language`; otherwise InvalidArgument "language_not_offered" naming the languages it
  // does publish, so that nothing answers a customer in a language the shop's texts are not written in.
  Status CheckOfferedLanguage(std::string_view language) const;
  const Purpose* FindPurpose(std::string_view id) const;
  // InvalidArgument "unknown_purpose" for `id`, naming the nearest purpose and listing them all.
  Status UnknownPurpose(std::string_view id) const;
  const Category* FindCategory(std::string_view id) const;
  const Recipient* FindRecipient(std::string_view id) const;
  bool HasRecordKind(std::string_view kind) const;
};

// The law `rule` keeps data under, in `lang`: the rule's `law`, else for an accounting rule the bookkeeping law of
// the controller's country (config/countries.h), else "".
std::string RetentionLaw(const Config& config, const RetentionRule& rule, std::string_view lang);

// The record kinds every configuration has.
const std::vector<std::string>& BuiltinRecordKinds();

// Whether tillit serves customer pages (a signed-in customer's own account: consents, objections, requests). Until
// it does, "portal" is no route a configuration may offer for withdrawing consent or objecting: `tillit check`
// refuses it, and the generated policy never names it. Flip this when the customer pages land.
inline constexpr bool kCustomerPagesAvailable = false;

// Purpose ids every configuration has, whether declared or not.
inline constexpr std::string_view kRightsFulfilment = "rights_fulfilment";
inline constexpr std::string_view kLegalClaims = "legal_claims";

}  // namespace tillit::config

#endif  // TILLIT_CONFIG_CONFIG_H_
