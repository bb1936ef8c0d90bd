#include "config/taxonomy.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <span>
#include <string_view>

namespace tillit::config {
namespace {

// The built-in categories. MUST stay sorted by id in ASCII order ('.' < '_' < 'a'): FindBuiltinCategory() does a
// binary search, and a static_assert below rejects an unsorted table at compile time.
//
// `dpv` terms are from the W3C Data Privacy Vocabulary personal-data extension (https://w3id.org/dpv/pd); `fideslang`
// keys are from the fideslang default data-category taxonomy (non-deprecated keys as of fideslang 3.2).
// `portable` is false only for data the controller derives or sets itself rather than receiving from or observing
// about the subject (GDPR Art. 20 covers only the latter).
constexpr CategoryInfo kCategories[] = {
    {"account.customer_number", "pd:UID", "user.unique_id", "Customer number", "Kundnummer", "Kundenummer",
     "Asiakasnumero", true},
    {"account.login", "pd:Authenticating", "user.authorization.credentials", "Login details", "Inloggningsuppgifter",
     "Innloggingsopplysninger", "Kirjautumistiedot", true},
    {"account.preferences", "pd:Preference", "user.settings", "Account settings and preferences",
     "Kontoinställningar och preferenser", "Kontoinnstillinger og preferanser", "Tilin asetukset ja mieltymykset",
     true},
    {"activity.app", "pd:ServiceConsumptionBehavior", "user.behavior", "App activity history",
     "Aktivitetshistorik från appar", "Aktivitetshistorikk fra apper", "Sovellusten käyttöhistoria", true},
    {"activity.communication", "pd:Behavioral", "user.behavior.media_consumption",
     "Reading and activity history for our e-mails and messages",
     "Läs- och aktivitetshistorik för våra e-postutskick och meddelanden",
     "Lese- og aktivitetshistorikk for våre e-poster og meldinger",
     "Lähettämiemme sähköpostien ja viestien luku- ja käyttöhistoria", true},
    {"activity.web", "pd:BrowsingBehavior", "user.behavior.browsing_history", "Website activity history",
     "Aktivitetshistorik från webbplatser", "Aktivitetshistorikk fra nettsteder", "Verkkosivustojen käyttöhistoria",
     true},
    {"communication.chat", "pd:Communication", "user.content.private", "Chat conversations", "Chattkonversationer",
     "Chattesamtaler", "Chat-keskustelut", true},
    {"communication.message", "pd:Communication", "user.content.private", "Messages and e-mails",
     "Meddelanden och e-post", "Meldinger og e-post", "Viestit ja sähköpostit", true},
    {"communication.social", "pd:SocialMediaCommunication", "user.social_activity", "Social media communication",
     "Kommunikation i sociala medier", "Kommunikasjon i sosiale medier", "Viestintä sosiaalisessa mediassa", true},
    {"contact.address", "pd:PhysicalAddress", "user.contact.address", "Address", "Adress", "Adresse", "Osoite", true},
    {"contact.billing", "pd:Contact", "user.contact", "Billing contact details", "Faktureringsuppgifter",
     "Faktureringsopplysninger", "Laskutusyhteystiedot", true},
    {"contact.email", "pd:EmailAddress", "user.contact.email", "E-mail address", "E-postadress", "E-postadresse",
     "Sähköpostiosoite", true},
    {"contact.phone", "pd:TelephoneNumber", "user.contact.phone_number", "Phone number", "Telefonnummer",
     "Telefonnummer", "Puhelinnumero", true},
    {"customer.agreement", "pd:Purchase", "user.behavior.purchase_history", "Products and agreements",
     "Produkter och avtal", "Produkter og avtaler", "Tuotteet ja sopimukset", true},
    {"customer.cart", "pd:Behavioral", "user.behavior", "Shopping cart activity", "Kundvagnsaktivitet",
     "Handlekurvaktivitet", "Ostoskorin tapahtumat", true},
    {"customer.complaint", "pd:Communication", "user.content.private", "Complaints", "Reklamationer", "Reklamasjoner",
     "Reklamaatiot", true},
    {"customer.delivery", "pd:PhysicalAddress", "user.contact.address.mailing_address", "Delivery details",
     "Leveransuppgifter", "Leveringsopplysninger", "Toimitustiedot", true},
    {"customer.discount", "pd:Transactional", "user.behavior.purchase_history", "Discount codes", "Rabattkoder",
     "Rabattkoder", "Alennuskoodit", true},
    {"customer.loyalty", "pd:Transactional", "user.account", "Loyalty programme information",
     "Uppgifter om lojalitetsprogram", "Opplysninger om lojalitetsprogram", "Kanta-asiakasohjelman tiedot", true},
    {"customer.order", "pd:Purchase", "user.behavior.purchase_history", "Order details", "Orderuppgifter",
     "Ordreopplysninger", "Tilaustiedot", true},
    // Product reviews and ratings the subject chooses to write (e.g. through Yotpo).
    {"customer.review", "pd:Opinion", "user.content.public", "Product reviews and ratings",
     "Produktrecensioner och betyg", "Produktanmeldelser og vurderinger", "Tuotearvostelut ja arviot", true},
    // Satisfaction feedback the customers give themselves ("asiakkaiden itse antamat tyytyväisyystiedot"), hence
    // portable; a satisfaction score the shop computes belongs in a `custom.*` category with portable = false.
    {"customer.satisfaction", "pd:Opinion", "user.content.private", "Customer satisfaction feedback",
     "Uppgifter om kundnöjdhet", "Tilbakemeldinger om kundetilfredshet", "Asiakastyytyväisyystiedot", true},
    {"customer.usage", "pd:ServiceConsumptionBehavior", "user.behavior", "Product and service usage",
     "Användning av produkter och tjänster", "Bruk av produkter og tjenester", "Tuotteiden ja palvelujen käyttö", true},
    // Cookie, advertising and other online identifiers set by analytics and advertising tools.
    {"device.identifier", "pd:Identifier", "user.device.cookie_id", "Unique online identifiers (cookie and device IDs)",
     "Unika identifierare (cookie- och enhets-id)", "Unike identifikatorer (informasjonskapsel- og enhets-ID)",
     "Yksilöivät tunnisteet (eväste- ja laitetunnisteet)", true},
    {"device.ip_address", "pd:IPAddress", "user.device.ip_address", "IP address", "IP-adress", "IP-adresse",
     "IP-osoite", true},
    {"device.technical", "pd:DeviceBased", "user.device", "Technical information about devices",
     "Teknisk information om enheter", "Teknisk informasjon om enheter", "Laitteiden tekniset tiedot", true},
    {"identity.date_of_birth", "pd:BirthDate", "user.demographic.date_of_birth", "Date of birth", "Födelsedatum",
     "Fødselsdato", "Syntymäaika", true},
    {"identity.name", "pd:Name", "user.name", "Name", "Namn", "Navn", "Nimi", true},
    {"marketing.consent", "pd:PrivacyPreference", "user.privacy_preferences", "Direct marketing consents",
     "Samtycken till direktmarknadsföring", "Samtykker til direktemarkedsføring", "Suoramarkkinointisuostumukset",
     true},
    // Prohibition codes the controller records (from the subject's objection or an opt-out register).
    {"marketing.prohibition", "pd:PrivacyPreference", "user.privacy_preferences", "Direct marketing prohibitions",
     "Spärrar mot direktmarknadsföring", "Reservasjoner mot direktemarkedsføring", "Suoramarkkinointikiellot", false},
    {"payment.method", "pd:FinancialAccount", "user.payment", "Payment method", "Betalningssätt", "Betalingsmåte",
     "Maksutapa", true},
    {"payment.transaction", "pd:Transaction", "user.financial", "Transaction details", "Transaktionsuppgifter",
     "Transaksjonsopplysninger", "Maksutapahtumien tiedot", true},
    // Interests and needs the controller derives from other data (profiling for marketing).
    {"profiling.interests", "pd:Interest", "user.demographic.profile", "Derived interests and needs",
     "Härledda intressen och behov", "Utledede interesser og behov", "Päätellyt kiinnostuksen kohteet ja tarpeet",
     false},
};

constexpr bool IsSortedById(std::span<const CategoryInfo> categories) {
  for (std::size_t i = 1; i < categories.size(); ++i) {
    if (!(categories[i - 1].id < categories[i].id)) return false;
  }
  return true;
}

static_assert(IsSortedById(kCategories), "kCategories must be sorted by id, with no duplicates");

}  // namespace

std::span<const CategoryInfo> BuiltinCategories() { return kCategories; }

const CategoryInfo* FindBuiltinCategory(std::string_view id) {
  const auto* it = std::lower_bound(std::begin(kCategories), std::end(kCategories), id,
                                    [](const CategoryInfo& c, std::string_view key) { return c.id < key; });
  if (it == std::end(kCategories) || it->id != id) return nullptr;
  return it;
}

}  // namespace tillit::config
