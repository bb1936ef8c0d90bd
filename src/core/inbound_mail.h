// Incoming mail: a raw RFC 5322 message (from `tillit mail ingest` or POST /v1/mail/inbound), parsed with GMime and
// turned into a rights request. A subject line that asks to opt out of telemarketing and addressed advertising (the
// configuration's [marketing] opt_out_subject, or tillit's wording in each configured language, in any letter case)
// becomes an objection for the phone and post channels; anything else becomes an inquiry for staff. The sender is
// matched to a subject by the blind index of the From address inside Requests::Create, so an unknown sender of an
// opt-out gets the "we hold no data about this address" mail, and an unknown sender's question waits for staff.
//
// Thread safety: free functions; safe from any thread once InitMail() has run.
#ifndef TILLIT_CORE_INBOUND_MAIL_H_
#define TILLIT_CORE_INBOUND_MAIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/requests.h"
#include "util/status.h"

namespace tillit::core {

struct InboundMail {
  std::string from;     // the sender's address
  std::string subject;  // decoded (RFC 2047)
  std::string text;     // the first text/plain part, decoded
};

// InvalidArgument "invalid_mail" when `raw` is not a message with a sender address.
Result<InboundMail> ParseInboundMail(std::string_view raw);

// The opt-out subject lines tillit recognises for `config`.
std::vector<std::string> OptOutSubjects(const config::Config& config);
// True iff `subject`, trimmed and case-folded, is one of OptOutSubjects.
bool IsOptOutSubject(const config::Config& config, std::string_view subject);

// The request a mail asks for: an objection to phone and post, or an inquiry; channel "email".
RequestInput RequestFromMail(const config::Config& config, const InboundMail& mail);

}  // namespace tillit::core

#endif  // TILLIT_CORE_INBOUND_MAIL_H_
