#include "core/rights/inbound_mail.h"

#include <gmime/gmime.h>
#include <unicode/unistr.h>

#include <memory>
#include <regex>

#include "core/mail/mail_templates.h"
#include "util/text.h"

namespace tillit::core {
namespace {

struct GObjectUnref {
  void operator()(void* p) const {
    if (p != nullptr) g_object_unref(p);
  }
};

std::string Fold(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && static_cast<unsigned char>(text[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(text[e - 1]) <= ' ') --e;
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(text.data() + b, static_cast<int32_t>(e - b)))
      .foldCase()
      .toUTF8String(out);
  return out;
}

constexpr std::pair<const char*, const char*> kOptOut[] = {
    {"en", "Opt-out of telemarketing and addressed advertising"},
    {"sv", "Avregistrering från telefonförsäljning och adresserad reklam"},
    {"nb", "Reservasjon mot telefonsalg og adressert reklame"},
    {"fi", "Kielto puhelinmyynnille ja osoitteelliselle suoramainonnalle"},
};

constexpr size_t kMaxText = 10000;

}  // namespace

Result<InboundMail> ParseInboundMail(std::string_view raw) {
  InitMail();
  std::unique_ptr<GMimeStream, GObjectUnref> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  std::unique_ptr<GMimeParser, GObjectUnref> parser(g_mime_parser_new_with_stream(stream.get()));
  std::unique_ptr<GMimeMessage, GObjectUnref> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) return Status::InvalidArgument("the body is not an RFC 5322 message", "invalid_mail");
  InboundMail out;
  InternetAddressList* from = g_mime_message_get_from(message.get());
  for (int i = 0; from != nullptr && i < internet_address_list_length(from) && out.from.empty(); ++i) {
    InternetAddress* a = internet_address_list_get_address(from, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      if (addr != nullptr) out.from = addr;
    }
  }
  if (out.from.empty() || out.from.find('@') == std::string::npos) {
    return Status::InvalidArgument("the message has no sender address in From", "invalid_mail");
  }
  const char* subject = g_mime_message_get_subject(message.get());
  out.subject = subject != nullptr ? subject : "";
  GMimeObject* body = g_mime_message_get_body(message.get());
  GMimeTextPart* text = nullptr;
  if (body != nullptr && GMIME_IS_TEXT_PART(body)) {
    text = GMIME_TEXT_PART(body);
  } else if (body != nullptr && GMIME_IS_MULTIPART(body)) {
    GMimeMultipart* parts = GMIME_MULTIPART(body);
    for (int i = 0; i < g_mime_multipart_get_count(parts) && text == nullptr; ++i) {
      GMimeObject* part = g_mime_multipart_get_part(parts, i);
      if (GMIME_IS_TEXT_PART(part)) text = GMIME_TEXT_PART(part);
    }
  }
  if (text != nullptr) {
    char* decoded = g_mime_text_part_get_text(text);
    if (decoded != nullptr) out.text = decoded;
    g_free(decoded);
  }
  if (out.text.size() > kMaxText) out.text.resize(kMaxText);
  if (!IsValidUtf8(out.text)) out.text.clear();
  if (!IsValidUtf8(out.subject)) out.subject.clear();
  return out;
}

std::vector<std::string> OptOutSubjects(const config::Config& config) {
  std::vector<std::string> out;
  if (!config.marketing.opt_out_subject.empty()) out.push_back(config.marketing.opt_out_subject);
  for (const auto& [lang, text] : kOptOut) {
    if (std::string_view(lang) == "en" ||
        std::find(config.languages.begin(), config.languages.end(), lang) != config.languages.end()) {
      out.push_back(text);
    }
  }
  return out;
}

std::string NormaliseMailSubject(std::string_view subject) {
  // White space (including no-break spaces and tabs) collapses to one space.
  std::string collapsed;
  bool space = false;
  for (size_t i = 0; i < subject.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(subject[i]);
    const bool nbsp = c == 0xC2 && i + 1 < subject.size() && static_cast<unsigned char>(subject[i + 1]) == 0xA0;
    if (c <= ' ' || nbsp) {
      space = true;
      if (nbsp) ++i;
      continue;
    }
    if (space && !collapsed.empty()) collapsed += ' ';
    space = false;
    collapsed += static_cast<char>(c);
  }
  std::string folded = Fold(collapsed);
  // Reply and forward prefixes of English, the Nordic languages, German and Dutch mail clients, also numbered
  // ("Re[2]:", "Re(2):") or with a space before the colon; as many as there are.
  static const std::regex kPrefix(R"(^(re|fwd?|sv|vs|vb|vl|aw|wg|antw|tr|rv|ynt|odp)\s*(\[\d+\]|\(\d+\))?\s*:\s*)");
  std::smatch match;
  while (std::regex_search(folded, match, kPrefix)) folded.erase(0, match.length(0));
  return folded;
}

bool IsOptOutSubject(const config::Config& config, std::string_view subject) {
  const std::string normalised = NormaliseMailSubject(subject);
  if (normalised.empty()) return false;
  for (const auto& s : OptOutSubjects(config)) {
    if (NormaliseMailSubject(s) == normalised) return true;
  }
  return false;
}

RequestInput RequestFromMail(const config::Config& config, const InboundMail& mail) {
  RequestInput in;
  in.email = mail.from;
  in.channel = "email";
  if (IsOptOutSubject(config, mail.subject)) {
    in.type = "objection";
    in.channels = {"phone", "post"};
    in.text = mail.subject;
  } else {
    in.type = "inquiry";
    in.text = mail.subject.empty() ? mail.text : mail.subject + "\n\n" + mail.text;
  }
  return in;
}

void ReceiveMail(const config::Config& config, const InboundMail& mail, Register& reg, Requests& requests,
                 Actor actor, bool caller_may_act, std::function<void(Result<store::RightsRequestRow>)> done) {
  RequestInput in = RequestFromMail(config, mail);
  in.caller_may_act = caller_may_act;
  in.from_mail = true;
  if (in.type != "objection") return requests.Create(std::move(in), std::move(actor), std::move(done));
  const std::string email = in.email;
  const std::vector<std::string> channels = in.channels;
  reg.SuppressOptOut(email, channels, actor,
                     [&requests, in = std::move(in), actor, done = std::move(done)](Result<bool> kept) mutable {
                       if (!kept.ok()) return done(kept.status());
                       requests.Create(std::move(in), std::move(actor), std::move(done));
                     });
}

}  // namespace tillit::core
