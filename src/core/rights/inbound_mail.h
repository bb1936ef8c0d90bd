// Incoming mail: a raw RFC 5322 message (from `tillit mail ingest` or POST /v1/mail/inbound), parsed with GMime and
// turned into a rights request. A subject line that asks to opt out of telemarketing and addressed advertising (the
// configuration's [marketing] opt_out_subject, or tillit's wording in each configured language) becomes an
// objection for the phone and post channels; anything else becomes an inquiry for staff. Subject lines are compared
// case-folded, with white space runs collapsed and reply and forward prefixes removed ("Re:", "SV:", "VS:", "AW:",
// "Fwd:", "Fw:", "VB:", "VL:", "WG:", "Antw:" …, repeated, in any case), as mail clients add them. The sender is
// matched to a subject by the blind index of the From address inside Requests::Create, so an unknown sender of an
// opt-out gets the "we hold no data about this address" mail, and an unknown sender's question waits for staff.
// ReceiveMail also keeps an unknown sender's opt-out: the address's keyed hash goes on the suppression list with
// the channels (Register::SuppressOptOut), so a later sign-up with it starts opted out of them.
//
// Thread safety: free functions; safe from any thread once InitMail() has run.
#ifndef TILLIT_CORE_RIGHTS_INBOUND_MAIL_H_
#define TILLIT_CORE_RIGHTS_INBOUND_MAIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/rights/requests.h"
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
// `subject` as subject lines are compared: case-folded, white space runs collapsed to one space and trimmed, and
// reply and forward prefixes removed, repeatedly ("RE: Fwd:  Opt-out …" → "opt-out …").
std::string NormaliseMailSubject(std::string_view subject);
// True iff NormaliseMailSubject(`subject`) is one of OptOutSubjects, normalised alike.
bool IsOptOutSubject(const config::Config& config, std::string_view subject);

// The request a mail asks for: an objection to phone and post, or an inquiry; channel "email".
RequestInput RequestFromMail(const config::Config& config, const InboundMail& mail);

// Takes in one message: an opt-out puts the sender on the suppression list when no subject has the address
// (Register::SuppressOptOut), then the request RequestFromMail makes is created. `done` answers as
// Requests::Create does, the same whether the sender is a customer or not; it runs on the store's writer thread.
// `caller_may_act` as in RequestInput: whether the caller (a mail gateway's key) holds requests.manage.
void ReceiveMail(const config::Config& config, const InboundMail& mail, Register& reg, Requests& requests,
                 Actor actor, bool caller_may_act, std::function<void(Result<store::RightsRequestRow>)> done);

}  // namespace tillit::core

#endif  // TILLIT_CORE_RIGHTS_INBOUND_MAIL_H_
