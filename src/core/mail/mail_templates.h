// The mails tillit sends to data subjects — a verification code, a confirmation, an answer that is ready, a
// rejection, an extension, and "we hold no data about this address" — in English, Swedish, Norwegian Bokmål and
// Finnish, rendered from mustache templates (kainjow mustache), and composed into RFC 5322 messages with GMime.
//
// Thread safety: free functions; safe from any thread once InitMail() has run.
#ifndef TILLIT_CORE_MAIL_MAIL_TEMPLATES_H_
#define TILLIT_CORE_MAIL_MAIL_TEMPLATES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace tillit::core {

enum class MailKind { kCode, kConfirmation, kAnswerReady, kRejection, kExtension, kNoData };
std::string_view MailKindId(MailKind kind);

struct MailText {
  std::string subject;
  std::string body;
};

// Renders `kind` in `lang` (the configuration's default language when tillit has no text in `lang`). `values` fill
// the template: code, minutes, request_type, reason, due_date, request_id; the controller's name and e-mail and the
// supervisory authority come from `config`. Internal if a template does not render (a bug, not input).
Result<MailText> RenderMail(const config::Config& config, MailKind kind, std::string_view lang,
                            const std::map<std::string, std::string>& values);

// Data an erasure kept because a law requires it (the accounting fields of some records), as told to the subject.
struct KeptData {
  std::string record_kind;  // "order"
  int64_t records = 0;
  std::string law;                   // in the mail's language; "" when the configuration names none
  std::optional<int64_t> kept_until;  // microseconds since the epoch; unset while the rule's anchor is pending
};

// What the confirmation of an erasure adds when data was kept: which data, why (the law) and until when, in `lang`
// (the configuration's default language when tillit has no text in `lang`). "" when nothing was kept.
std::string KeptDataNote(const config::Config& config, std::string_view lang, const std::vector<KeptData>& kept);

// The record kind's name in `lang` ("order" → "Bestillinger"), the kind id itself for kinds tillit has no name for.
std::string RecordKindName(std::string_view kind, std::string_view lang);

// The request type's name in `lang` ("access" → "innsyn").
std::string RequestTypeName(std::string_view type, std::string_view lang);

// Initialises GMime (once per process).
void InitMail();

// An RFC 5322 message (UTF-8 text/plain, encoded headers) from `from` to `to`, with a fresh Message-ID and Date.
std::string ComposeMessage(const std::string& from, const std::string& to, const MailText& text);

}  // namespace tillit::core

#endif  // TILLIT_CORE_MAIL_MAIL_TEMPLATES_H_
