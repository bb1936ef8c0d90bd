#include "core/mail/mail_templates.h"

#include <gmime/gmime.h>

#include <kainjow/mustache.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

#include "util/clock.h"

namespace tillit::core {
namespace {

struct Template {
  const char* subject;
  const char* body;
};

// Templates per language, indexed by MailKind.
struct Language {
  const char* code;
  Template mails[6];
  // access, portability, rectification, erasure, restriction, objection, withdraw_consent, inquiry
  const char* types[8];
};

constexpr const char* kTypeIds[8] = {"access",      "portability", "rectification",    "erasure",
                                     "restriction", "objection",   "withdraw_consent", "inquiry"};

const Language kLanguages[] = {
    {"en",
     {{"Your verification code for {{controller}}",
       "Hello,\n\nYou asked {{controller}} for {{request_type}}. To confirm that the request comes from you, enter "
       "this code:\n\n    {{code}}\n\nThe code is valid for {{minutes}} minutes and can be used once. If you did "
       "not make this request, you can ignore this message.\n\n{{controller}}\n{{controller_email}}\n"},
      {"We have carried out your request: {{request_type}}",
       "Hello,\n\nWe have carried out your request ({{request_type}}, reference {{request_id}}).\n\n{{#note}}"
       "{{note}}\n\n{{/note}}If you have questions, reply to this message.\n\n{{controller}}\n{{controller_email}}\n"},
      {"Your answer from {{controller}} is ready",
       "Hello,\n\nThe answer to your request ({{request_type}}, reference {{request_id}}) is ready. {{note}}\n\n"
       "{{controller}}\n{{controller_email}}\n"},
      {"Your request to {{controller}}: {{request_type}}",
       "Hello,\n\nWe cannot carry out your request ({{request_type}}, reference {{request_id}}).\n\nReason: "
       "{{reason}}\n\nYou have the right to lodge a complaint with the supervisory authority, {{authority}}"
       "{{#authority_website}} ({{authority_website}}){{/authority_website}}, and the right to seek a judicial "
       "remedy before the courts.\n\n{{controller}}\n{{controller_email}}\n"},
      {"More time is needed for your request: {{request_type}}",
       "Hello,\n\nWe need more time to answer your request ({{request_type}}, reference {{request_id}}). We will "
       "answer by {{due_date}} at the latest.\n\nReason: {{reason}}\n\n{{controller}}\n{{controller_email}}\n"},
      {"Your request to {{controller}}",
       "Hello,\n\nWe have received a request ({{request_type}}) about this e-mail address. We hold no personal data "
       "about this address, so there is nothing to show, correct or erase.\n\n{{controller}}\n"
       "{{controller_email}}\n"}},
     {"access to your personal data", "a copy of your data (data portability)", "correction of your data",
      "erasure of your data", "restriction of processing", "an objection to processing", "withdrawal of consent",
      "a question about your personal data"}},
    {"sv",
     {{"Din verifieringskod från {{controller}}",
       "Hej!\n\nDu har bett {{controller}} om {{request_type}}. Ange den här koden för att bekräfta att begäran "
       "kommer från dig:\n\n    {{code}}\n\nKoden gäller i {{minutes}} minuter och kan bara användas en gång. Om du "
       "inte har gjort någon begäran kan du bortse från det här meddelandet.\n\nMed vänliga hälsningar\n"
       "{{controller}}\n{{controller_email}}\n"},
      {"Vi har genomfört din begäran: {{request_type}}",
       "Hej!\n\nVi har genomfört din begäran ({{request_type}}, referens {{request_id}}).\n\n{{#note}}{{note}}\n\n"
       "{{/note}}Om du har frågor kan du svara på det här meddelandet.\n\nMed vänliga hälsningar\n{{controller}}\n"
       "{{controller_email}}\n"},
      {"Ditt svar från {{controller}} är klart",
       "Hej!\n\nSvaret på din begäran ({{request_type}}, referens {{request_id}}) är klart. {{note}}\n\nMed vänliga "
       "hälsningar\n{{controller}}\n{{controller_email}}\n"},
      {"Din begäran till {{controller}}: {{request_type}}",
       "Hej!\n\nVi kan tyvärr inte genomföra din begäran ({{request_type}}, referens {{request_id}}).\n\nSkäl: "
       "{{reason}}\n\nDu har rätt att lämna in ett klagomål till tillsynsmyndigheten, {{authority}}"
       "{{#authority_website}} ({{authority_website}}){{/authority_website}}, och rätt att föra talan i domstol.\n\n"
       "Med vänliga hälsningar\n{{controller}}\n{{controller_email}}\n"},
      {"Vi behöver mer tid för din begäran: {{request_type}}",
       "Hej!\n\nVi behöver mer tid för att besvara din begäran ({{request_type}}, referens {{request_id}}). Du får "
       "svar senast {{due_date}}.\n\nSkäl: {{reason}}\n\nMed vänliga hälsningar\n{{controller}}\n"
       "{{controller_email}}\n"},
      {"Din begäran till {{controller}}",
       "Hej!\n\nVi har tagit emot en begäran ({{request_type}}) om den här e-postadressen. Vi har inga "
       "personuppgifter om adressen, så det finns inget att visa, rätta eller radera.\n\nMed vänliga hälsningar\n"
       "{{controller}}\n{{controller_email}}\n"}},
     {"tillgång till dina personuppgifter", "en kopia av dina uppgifter (dataportabilitet)",
      "rättelse av dina uppgifter", "radering av dina uppgifter", "begränsning av behandlingen",
      "en invändning mot behandlingen", "återkallelse av samtycke", "en fråga om dina personuppgifter"}},
    {"nb",
     {{"Bekreftelseskoden din fra {{controller}}",
       "Hei!\n\nDu har bedt {{controller}} om {{request_type}}. Skriv inn denne koden for å bekrefte at henvendelsen "
       "kommer fra deg:\n\n    {{code}}\n\nKoden gjelder i {{minutes}} minutter og kan brukes én gang. Har du ikke "
       "sendt noen henvendelse, kan du se bort fra denne meldingen.\n\nVennlig hilsen\n{{controller}}\n"
       "{{controller_email}}\n"},
      {"Vi har gjennomført henvendelsen din: {{request_type}}",
       "Hei!\n\nVi har gjennomført henvendelsen din ({{request_type}}, referanse {{request_id}}).\n\n{{#note}}"
       "{{note}}\n\n{{/note}}Har du spørsmål, kan du svare på denne meldingen.\n\nVennlig hilsen\n{{controller}}\n"
       "{{controller_email}}\n"},
      {"Svaret ditt fra {{controller}} er klart",
       "Hei!\n\nSvaret på henvendelsen din ({{request_type}}, referanse {{request_id}}) er klart. {{note}}\n\n"
       "Vennlig hilsen\n{{controller}}\n{{controller_email}}\n"},
      {"Henvendelsen din til {{controller}}: {{request_type}}",
       "Hei!\n\nVi kan dessverre ikke gjennomføre henvendelsen din ({{request_type}}, referanse {{request_id}})."
       "\n\nBegrunnelse: {{reason}}\n\nDu har rett til å klage til tilsynsmyndigheten, {{authority}}"
       "{{#authority_website}} ({{authority_website}}){{/authority_website}}, og rett til å bringe saken inn for "
       "domstolene.\n\nVennlig hilsen\n{{controller}}\n{{controller_email}}\n"},
      {"Vi trenger mer tid til henvendelsen din: {{request_type}}",
       "Hei!\n\nVi trenger mer tid til å besvare henvendelsen din ({{request_type}}, referanse {{request_id}}). Du "
       "får svar senest {{due_date}}.\n\nBegrunnelse: {{reason}}\n\nVennlig hilsen\n{{controller}}\n"
       "{{controller_email}}\n"},
      {"Henvendelsen din til {{controller}}",
       "Hei!\n\nVi har mottatt en henvendelse ({{request_type}}) om denne e-postadressen. Vi har ingen "
       "personopplysninger om adressen, så det er ingenting å vise, rette eller slette.\n\nVennlig hilsen\n"
       "{{controller}}\n{{controller_email}}\n"}},
     {"innsyn i personopplysningene dine", "en kopi av opplysningene dine (dataportabilitet)",
      "retting av opplysningene dine", "sletting av opplysningene dine", "begrensning av behandlingen",
      "en innsigelse mot behandlingen", "tilbaketrekking av samtykke", "et spørsmål om personopplysningene dine"}},
    {"fi",
     {{"Vahvistuskoodisi – {{controller}}",
       "Hei,\n\nPyysit yritykseltä {{controller}}: {{request_type}}. Vahvista, että pyyntö on sinulta, "
       "syöttämällä tämä koodi:\n\n    {{code}}\n\nKoodi on voimassa {{minutes}} minuuttia, ja sen voi käyttää "
       "kerran. Jos et tehnyt pyyntöä, voit jättää tämän viestin huomiotta.\n\nYstävällisin terveisin\n"
       "{{controller}}\n{{controller_email}}\n"},
      {"Pyyntösi on käsitelty: {{request_type}}",
       "Hei,\n\nOlemme käsitelleet pyyntösi ({{request_type}}, viite {{request_id}}).\n\n{{#note}}{{note}}\n\n"
       "{{/note}}Jos sinulla on kysyttävää, vastaa tähän viestiin.\n\nYstävällisin terveisin\n{{controller}}\n"
       "{{controller_email}}\n"},
      {"Vastauksesi on valmis – {{controller}}",
       "Hei,\n\nVastaus pyyntöösi ({{request_type}}, viite {{request_id}}) on valmis. {{note}}\n\n"
       "Ystävällisin terveisin\n{{controller}}\n{{controller_email}}\n"},
      {"Pyyntösi yritykselle {{controller}}: {{request_type}}",
       "Hei,\n\nEmme valitettavasti voi toteuttaa pyyntöäsi ({{request_type}}, viite {{request_id}}).\n\nPerustelu: "
       "{{reason}}\n\nSinulla on oikeus tehdä valitus valvontaviranomaiselle, {{authority}}{{#authority_website}} "
       "({{authority_website}}){{/authority_website}}, sekä oikeus hakea muutosta tuomioistuimessa.\n\n"
       "Ystävällisin terveisin\n{{controller}}\n{{controller_email}}\n"},
      {"Tarvitsemme lisäaikaa pyyntösi käsittelyyn: {{request_type}}",
       "Hei,\n\nTarvitsemme lisäaikaa vastataksemme pyyntöösi ({{request_type}}, viite {{request_id}}). Vastaamme "
       "viimeistään {{due_date}}.\n\nPerustelu: {{reason}}\n\nYstävällisin terveisin\n{{controller}}\n"
       "{{controller_email}}\n"},
      {"Pyyntösi yritykselle {{controller}}",
       "Hei,\n\nOlemme vastaanottaneet tätä sähköpostiosoitetta koskevan pyynnön ({{request_type}}). Meillä ei ole "
       "tähän osoitteeseen liittyviä henkilötietoja, joten näytettävää, oikaistavaa tai poistettavaa ei ole.\n\n"
       "Ystävällisin terveisin\n{{controller}}\n{{controller_email}}\n"}},
     {"pääsy henkilötietoihisi", "kopio tiedoistasi (siirto-oikeus)", "tietojesi oikaisu", "tietojesi poisto",
      "käsittelyn rajoittaminen", "vastustus käsittelyä kohtaan", "suostumuksen peruutus",
      "kysymys henkilötiedoistasi"}},
};

// The note on data kept under legal hold, per language: the opening sentence, one line per record kind (with and
// without an end date), the closing sentence, and the words for a law the configuration does not name.
struct KeptTexts {
  const char* code;
  const char* intro;
  const char* line_until;
  const char* line_open;
  const char* outro;
  const char* generic_law;
};

const KeptTexts kKept[] = {
    {"en",
     "We have not erased all of your data: the law requires us to keep the accounting fields (such as amounts, VAT "
     "and invoice numbers) of these records (GDPR Art. 17(3)(b)):",
     "- {{kind}} ({{records}}): kept until {{until}}, because {{law}} requires it.",
     "- {{kind}} ({{records}}): kept as long as {{law}} requires.",
     "We use them only for bookkeeping and, if a legal claim is made, for that claim, and delete them when that time "
     "is up. Everything else has been erased.",
     "bookkeeping law"},
    {"sv",
     "Vi har inte raderat alla dina uppgifter: lagen kräver att vi sparar bokföringsuppgifterna (till exempel "
     "belopp, moms och fakturanummer) för följande poster (artikel 17.3 b i dataskyddsförordningen):",
     "- {{kind}} ({{records}}): sparas till och med {{until}}, eftersom {{law}} kräver det.",
     "- {{kind}} ({{records}}): sparas så länge {{law}} kräver det.",
     "Vi använder dem endast för bokföringen och, om ett rättsligt anspråk framställs, för det anspråket, och "
     "raderar dem när tiden har gått ut. Allt annat har raderats.",
     "bokföringslagstiftningen"},
    {"nb",
     "Vi har ikke slettet alle opplysningene dine: loven krever at vi oppbevarer regnskapsopplysningene (for "
     "eksempel beløp, merverdiavgift og fakturanummer) for disse postene (personvernforordningen artikkel 17 nr. 3 "
     "bokstav b):",
     "- {{kind}} ({{records}}): oppbevares til og med {{until}}, fordi {{law}} krever det.",
     "- {{kind}} ({{records}}): oppbevares så lenge {{law}} krever det.",
     "Vi bruker dem bare til bokføring og, dersom et rettskrav fremmes, til det kravet, og sletter dem når tiden er "
     "ute. Alt annet er slettet.",
     "regnskapslovgivningen"},
    {"fi",
     "Emme ole poistaneet kaikkia tietojasi: laki velvoittaa meidät säilyttämään seuraavien tietueiden "
     "kirjanpitotiedot (esimerkiksi summat, arvonlisäveron ja laskunumerot) (tietosuoja-asetuksen 17 artiklan 3 "
     "kohdan b alakohta):",
     "- {{kind}} ({{records}}): säilytetään {{until}} asti, koska {{law}} sitä edellyttää.",
     "- {{kind}} ({{records}}): säilytetään niin kauan kuin {{law}} edellyttää.",
     "Käytämme niitä vain kirjanpitoon ja mahdollisen oikeusvaateen selvittämiseen, ja poistamme ne, kun "
     "säilytysaika päättyy. Kaikki muu on poistettu.",
     "kirjanpitolainsäädäntö"},
};

// Record kinds by name: en, sv, nb, fi.
struct KindNames {
  const char* kind;
  const char* names[4];
};
const KindNames kKindNames[] = {
    {"order", {"Orders", "Beställningar", "Bestillinger", "Tilaukset"}},
    {"payment", {"Payments", "Betalningar", "Betalinger", "Maksut"}},
    {"delivery", {"Deliveries", "Leveranser", "Leveranser", "Toimitukset"}},
    {"discount_use", {"Discounts used", "Använda rabatter", "Brukte rabatter", "Käytetyt alennukset"}},
    {"agreement", {"Agreements", "Avtal", "Avtaler", "Sopimukset"}},
    {"loyalty", {"Loyalty programme", "Lojalitetsprogram", "Fordelsprogram", "Kanta-asiakasohjelma"}},
    {"cart_event", {"Shopping cart events", "Varukorgshändelser", "Handlekurvhendelser", "Ostoskoritapahtumat"}},
    {"usage", {"Usage", "Användning", "Bruk", "Käyttö"}},
    {"activity", {"Activity", "Aktivitet", "Aktivitet", "Toiminta"}},
    {"device", {"Devices", "Enheter", "Enheter", "Laitteet"}},
    {"message", {"Messages", "Meddelanden", "Meldinger", "Viestit"}},
};

int LanguageIndex(std::string_view lang) {
  for (int i = 0; i < 4; ++i) {
    if (kKept[i].code == lang) return i;
  }
  return -1;
}

// The last day data expiring at `micros` is still kept, as YYYY-MM-DD (UTC).
std::string LastDay(int64_t micros) {
  const auto day = std::chrono::floor<std::chrono::days>(FromMicros(micros - 1));
  const std::chrono::year_month_day ymd{day};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return out;
}

std::string Render(const char* text, const kainjow::mustache::data& data) {
  kainjow::mustache::mustache tmpl{std::string(text)};
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl.render(data);
}

const Language& LanguageOf(std::string_view lang, std::string_view fallback) {
  for (const auto& l : kLanguages) {
    if (l.code == lang) return l;
  }
  for (const auto& l : kLanguages) {
    if (l.code == fallback) return l;
  }
  return kLanguages[0];
}

struct GObjectUnref {
  void operator()(void* p) const { g_object_unref(p); }
};

}  // namespace

std::string_view MailKindId(MailKind kind) {
  switch (kind) {
    case MailKind::kCode:
      return "code";
    case MailKind::kConfirmation:
      return "confirmation";
    case MailKind::kAnswerReady:
      return "answer_ready";
    case MailKind::kRejection:
      return "rejection";
    case MailKind::kExtension:
      return "extension";
    case MailKind::kNoData:
      return "no_data";
  }
  return "";
}

std::string RecordKindName(std::string_view kind, std::string_view lang) {
  const int i = std::max(LanguageIndex(lang), 0);
  for (const auto& k : kKindNames) {
    if (k.kind == kind) return k.names[i];
  }
  return std::string(kind);
}

std::string KeptDataNote(const config::Config& config, std::string_view lang, const std::vector<KeptData>& kept) {
  if (kept.empty()) return "";
  int i = LanguageIndex(lang);
  if (i < 0) i = std::max(LanguageIndex(config.default_language()), 0);
  const KeptTexts& t = kKept[i];
  std::string out = t.intro;
  for (const auto& k : kept) {
    kainjow::mustache::data data;
    data.set("kind", RecordKindName(k.record_kind, t.code));
    data.set("records", std::to_string(k.records));
    data.set("law", k.law.empty() ? std::string(t.generic_law) : k.law);
    if (k.kept_until) data.set("until", LastDay(*k.kept_until));
    out += "\n" + Render(k.kept_until ? t.line_until : t.line_open, data);
  }
  out += "\n";
  out += t.outro;
  return out;
}

std::string RequestTypeName(std::string_view type, std::string_view lang) {
  const Language& l = LanguageOf(lang, "en");
  for (int i = 0; i < 8; ++i) {
    if (kTypeIds[i] == type) return l.types[i];
  }
  return std::string(type);
}

Result<MailText> RenderMail(const config::Config& config, MailKind kind, std::string_view lang,
                            const std::map<std::string, std::string>& values) {
  const Language& l = LanguageOf(lang, config.default_language());
  const Template& t = l.mails[static_cast<int>(kind)];
  kainjow::mustache::data data;
  data.set("controller", config.controller.trade_name.empty() ? config.controller.name : config.controller.trade_name);
  data.set("controller_email", config.rights.email.empty() ? config.controller.email : config.rights.email);
  data.set("authority", config.controller.authority.name);
  if (!config.controller.authority.website.empty()) {
    data.set("authority_website", config.controller.authority.website);
  }
  for (const auto& [key, value] : values) {
    if (!value.empty()) data.set(key, value);
  }
  if (auto it = values.find("request_type"); it != values.end())
    data.set("request_type", RequestTypeName(it->second, l.code));
  MailText out;
  for (auto [text, dest] : {std::pair{t.subject, &out.subject}, std::pair{t.body, &out.body}}) {
    kainjow::mustache::mustache tmpl{std::string(text)};
    if (!tmpl.is_valid()) return Status::Internal("mail template does not parse: " + tmpl.error_message());
    // Plain text mail: nothing is HTML-escaped.
    tmpl.set_custom_escape([](const std::string& s) { return s; });
    *dest = tmpl.render(data);
  }
  return out;
}

void InitMail() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

std::string ComposeMessage(const std::string& from, const std::string& to, const MailText& text) {
  InitMail();
  std::unique_ptr<GMimeMessage, GObjectUnref> message(g_mime_message_new(TRUE));
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, nullptr, from.c_str());
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, nullptr, to.c_str());
  g_mime_message_set_subject(message.get(), text.subject.c_str(), "utf-8");
  GDateTime* now = g_date_time_new_now_utc();
  g_mime_message_set_date(message.get(), now);
  g_date_time_unref(now);
  const std::string domain = from.find('@') != std::string::npos ? from.substr(from.find('@') + 1) : "tillit.local";
  char* id = g_mime_utils_generate_message_id(domain.c_str());
  g_mime_message_set_message_id(message.get(), id);
  g_free(id);

  std::unique_ptr<GMimeTextPart, GObjectUnref> part(g_mime_text_part_new_with_subtype("plain"));
  g_mime_text_part_set_text(part.get(), text.body.c_str());  // sets charset=utf-8 and a safe transfer encoding
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(part.get()));

  GMimeFormatOptions* options = g_mime_format_options_clone(g_mime_format_options_get_default());
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
  char* raw = g_mime_object_to_string(GMIME_OBJECT(message.get()), options);
  g_mime_format_options_free(options);
  std::string out(raw);
  g_free(raw);
  return out;
}

}  // namespace tillit::core
