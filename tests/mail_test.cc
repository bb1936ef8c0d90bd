// Mail to data subjects in every language, and the reading of incoming mail: each template renders in en, sv, nb
// and fi with its values filled in; a rejection names the reason, the supervisory authority and the judicial remedy;
// composed messages parse back with GMime with the subject encoded; opt-out subject lines are recognised in any
// letter case and in the configured languages; unknown and malformed mail is told apart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"
#include "core/rights/inbound_mail.h"
#include "core/mail/mail_templates.h"

namespace tillit::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

fs::path ExamplesDir() {
  const fs::path from_source = fs::path(__FILE__).parent_path().parent_path() / "examples";
  if (fs::exists(from_source / "minime.toml")) return from_source;
  for (fs::path dir = fs::current_path(); !dir.empty() && dir != dir.parent_path(); dir = dir.parent_path()) {
    if (fs::exists(dir / "examples" / "minime.toml")) return dir / "examples";
  }
  return from_source;
}

std::shared_ptr<const config::Config> Load(const std::string& name) {
  const fs::path path = ExamplesDir() / (name + ".toml");
  auto result = config::LoadConfigFile(path.string());
  EXPECT_TRUE(result.ok()) << path;
  return result.config;
}

TEST(Mail, EveryKindRendersInEveryLanguage) {
  auto config = Load("minime");
  ASSERT_TRUE(config);
  for (const char* lang : {"en", "sv", "nb", "fi"}) {
    for (MailKind kind : {MailKind::kCode, MailKind::kConfirmation, MailKind::kAnswerReady, MailKind::kRejection,
                          MailKind::kExtension, MailKind::kNoData}) {
      auto text = RenderMail(*config, kind, lang,
                             {{"code", "123456"},
                              {"minutes", "10"},
                              {"request_type", "erasure"},
                              {"request_id", "rq_1"},
                              {"reason", "REASON"},
                              {"due_date", "2026-04-30"}});
      ASSERT_TRUE(text.ok()) << lang;
      EXPECT_FALSE(text->subject.empty());
      EXPECT_THAT(text->body, Not(HasSubstr("{{")));
      if (kind == MailKind::kCode) {
        EXPECT_THAT(text->body, HasSubstr("123456")) << lang;
      }
      if (kind == MailKind::kExtension) {
        EXPECT_THAT(text->body, HasSubstr("2026-04-30")) << lang;
      }
      if (kind == MailKind::kRejection) {
        EXPECT_THAT(text->body, HasSubstr("REASON")) << lang;
        EXPECT_THAT(text->body, HasSubstr(config->controller.authority.name)) << lang;
      }
    }
  }
  auto fi = RenderMail(*config, MailKind::kRejection, "fi", {{"reason", "x"}, {"request_type", "erasure"}});
  EXPECT_THAT(fi->body, HasSubstr("tuomioistuimessa"));
  EXPECT_THAT(fi->body, HasSubstr("tietojesi poisto"));
}

TEST(Mail, ComposedMessagesParseBack) {
  auto config = Load("znorky");
  ASSERT_TRUE(config);
  auto text = RenderMail(*config, MailKind::kConfirmation, "sv", {{"request_type", "restriction"}});
  ASSERT_TRUE(text.ok());
  const std::string raw = ComposeMessage("dpo@znorky.example", "anna@example.se", *text);
  EXPECT_THAT(raw, HasSubstr("=?"));  // the Swedish subject is encoded
  auto parsed = ParseInboundMail(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->from, "dpo@znorky.example");
  EXPECT_EQ(parsed->subject, text->subject);
  EXPECT_THAT(parsed->text, HasSubstr("begränsning av behandlingen"));
}

TEST(Mail, OptOutSubjectsInAnyCaseAndConfiguredLanguages) {
  auto smarti = Load("smarti");
  ASSERT_TRUE(smarti);
  EXPECT_TRUE(IsOptOutSubject(*smarti, "Opt-out of telemarketing and addressed advertising"));
  EXPECT_TRUE(IsOptOutSubject(*smarti, "  OPT-OUT OF TELEMARKETING AND ADDRESSED ADVERTISING "));
  EXPECT_FALSE(IsOptOutSubject(*smarti, "Opt-out of telemarketing"));
  auto znorky = Load("znorky");  // sv, en
  EXPECT_TRUE(IsOptOutSubject(*znorky, "AVREGISTRERING FRÅN TELEFONFÖRSÄLJNING OCH ADRESSERAD REKLAM"));
  EXPECT_FALSE(IsOptOutSubject(*znorky, "Kielto puhelinmyynnille ja osoitteelliselle suoramainonnalle"));

  auto mail = ParseInboundMail(
      "From: =?UTF-8?Q?P=C3=A4r?= <par@example.se>\r\nSubject: "
      "=?UTF-8?Q?Avregistrering_fr=C3=A5n_telefonf=C3=B6rs=C3=A4ljning_och_adresserad_reklam?=\r\n\r\nTack\r\n");
  ASSERT_TRUE(mail.ok());
  RequestInput in = RequestFromMail(*znorky, *mail);
  EXPECT_EQ(in.type, "objection");
  EXPECT_EQ(in.channels, (std::vector<std::string>{"phone", "post"}));
  EXPECT_EQ(in.email, "par@example.se");
  auto question = ParseInboundMail("From: a@b.example\r\nSubject: Hello\r\n\r\nWhat do you store?\r\n");
  ASSERT_TRUE(question.ok());
  EXPECT_EQ(RequestFromMail(*znorky, *question).type, "inquiry");
  EXPECT_EQ(ParseInboundMail("Subject: no sender\r\n\r\nx\r\n").status().reason(), "invalid_mail");
}

TEST(Mail, MailAndRequestSectionsAreValidated) {
  std::string text;
  {
    std::ifstream in(ExamplesDir() / "minimagi.toml");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  auto good = config::LoadConfigString(
      text + "\n[mail]\nsmtp_url = \"smtp://127.0.0.1:2525\"\nkeep_days = 14\n[requests]\ncode_minutes = 15\n",
      "t.toml");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.config->mail.keep_days, 14);
  EXPECT_EQ(good.config->mail.smtp_url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(good.config->mail.from, good.config->controller.email);
  EXPECT_EQ(good.config->requests.code_minutes, 15);
  EXPECT_EQ(good.config->requests.code_attempts, 5);
  auto bad = config::LoadConfigString(
      text + "\n[mail]\nsmtp_url = \"http://mail\"\nkeep_days = 0\n[requests]\ncode_attempts = 0\nfoo = 1\n", "t.toml");
  EXPECT_FALSE(bad.ok());
  std::string all;
  for (const auto& d : bad.diagnostics) all += d.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("mail.smtp_url"));
  EXPECT_THAT(all, HasSubstr("mail.keep_days"));
  EXPECT_THAT(all, HasSubstr("requests.code_attempts"));
  EXPECT_THAT(all, HasSubstr("foo"));
}

// An erasure that keeps accounting data says which data, under which law and until when, in every language; the
// note names a law even when the configuration names none.
TEST(Mail, KeptDataNoteSaysWhatWhyAndUntilWhenInEveryLanguage) {
  auto config = Load("minime");
  ASSERT_TRUE(config);
  const int64_t until = int64_t{2147644800} * 1000000;  // 2038-01-21T00:00:00Z: kept through 2038-01-20
  const std::vector<KeptData> kept = {{"order", 2, "LAW-X", until}, {"payment", 1, "", std::nullopt}};
  const std::map<std::string, std::vector<std::string>> expected = {
      {"en", {"Orders (2)", "Payments (1)", "bookkeeping law", "We have not erased all"}},
      {"sv", {"Beställningar (2)", "Betalningar (1)", "bokföringslagstiftningen", "Vi har inte raderat"}},
      {"nb", {"Bestillinger (2)", "Betalinger (1)", "regnskapslovgivningen", "Vi har ikke slettet"}},
      {"fi", {"Tilaukset (2)", "Maksut (1)", "kirjanpitolainsäädäntö", "Emme ole poistaneet"}}};
  for (const auto& [lang, words] : expected) {
    const std::string note = KeptDataNote(*config, lang, kept);
    EXPECT_THAT(note, HasSubstr("LAW-X")) << lang;
    EXPECT_THAT(note, HasSubstr("2038-01-20")) << lang;
    EXPECT_THAT(note, Not(HasSubstr("2038-01-21"))) << lang;
    EXPECT_THAT(note, Not(HasSubstr("{{"))) << lang;
    for (const auto& w : words) EXPECT_THAT(note, HasSubstr(w)) << lang;
  }
  EXPECT_EQ(KeptDataNote(*config, "en", {}), "");
  // An unknown language falls back on the configuration's default (Finnish for Minime).
  EXPECT_THAT(KeptDataNote(*config, "de", kept), HasSubstr("Tilaukset (2)"));
  // The note fills the confirmation's {{note}}.
  auto mail = RenderMail(*config, MailKind::kConfirmation, "sv",
                         {{"request_type", "erasure"}, {"request_id", "rq_1"}, {"note", KeptDataNote(*config, "sv", kept)}});
  ASSERT_TRUE(mail.ok());
  EXPECT_THAT(mail->body, HasSubstr("Beställningar (2)"));
}

TEST(Mail, SubjectLinesAreComparedWithoutReplyPrefixesAndExtraSpace) {
  EXPECT_EQ(NormaliseMailSubject("SV: Re:  Opt-out  of\ttelemarketing "), "opt-out of telemarketing");
  EXPECT_EQ(NormaliseMailSubject("AW: WG: Fwd: FW: VB: VL: Vs: Antw: hello"), "hello");
  EXPECT_EQ(NormaliseMailSubject("Re[3]: RE(2):re : Hello"), "hello");
  EXPECT_EQ(NormaliseMailSubject("Re:Hello"), "hello");
  EXPECT_EQ(NormaliseMailSubject("Reservasjon mot telefonsalg"), "reservasjon mot telefonsalg") << "no prefix";
  EXPECT_EQ(NormaliseMailSubject("Avregistrering\xC2\xA0" "fr\xC3\xA5n"), "avregistrering från");  // no-break space
  EXPECT_EQ(NormaliseMailSubject("   "), "");
  auto config = Load("smarti");
  ASSERT_TRUE(config);
  for (const char* subject :
       {"SV: Re: Opt-out of telemarketing and addressed advertising", "Fwd:  OPT-OUT  of telemarketing and addressed advertising",
        "vs: VS: opt-out of telemarketing and addressed advertising", "AW:Antw: Opt-out of telemarketing and addressed advertising"}) {
    EXPECT_TRUE(IsOptOutSubject(*config, subject)) << subject;
  }
  EXPECT_FALSE(IsOptOutSubject(*config, "Re: Opt-out of telemarketing"));
  EXPECT_FALSE(IsOptOutSubject(*config, "Re:"));
  EXPECT_FALSE(IsOptOutSubject(*config, "Svar om opt-out of telemarketing and addressed advertising"));
}

}  // namespace
}  // namespace tillit::core
