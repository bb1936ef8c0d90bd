// The Swedish catalog of the generated privacy policy (see catalog.h). Terms follow the Swedish text of the GDPR
// (dataskyddsförordningen): personuppgiftsansvarig, personuppgiftsbiträde, rättslig grund, berättigat intresse.
#include "policy/catalog.h"

namespace tillit::policy {
namespace {

using enum Msg;

constexpr Message kMessages[] = {
    {kTitle, "Integritetspolicy"},
    {kProcessorsTitle, "Personuppgiftsbiträden och andra mottagare"},
    {kSkipLink, "Hoppa till innehållet"},
    {kContents, "Innehåll"},
    {kVersionLine, "Version {{version}}, daterad {{date}}."},
    {kFooter, "{{name}} · version {{version}}"},
    {kIntroDefault,
     "I denna integritetspolicy förklarar vi hur {{name}} behandlar personuppgifter{{#has_website}} när du använder "
     "{{website}}{{/has_website}}: vilka uppgifter vi samlar in och varifrån de kommer, varför vi använder dem och "
     "med vilken rättslig grund, vem som tar emot dem, hur länge vi sparar dem och hur du kan använda dina "
     "rättigheter."},

    {kHController, "Vem som ansvarar för dina uppgifter"},
    {kHData, "Personuppgifter vi behandlar"},
    {kHSources, "Varifrån uppgifterna kommer"},
    {kHPurposes, "Varför vi behandlar dina uppgifter och med vilken rättslig grund"},
    {kHConsent, "Samtycke och hur du återkallar det"},
    {kHObjection, "Din rätt att invända"},
    {kHMarketing, "Marknadsföring och hur du tackar nej"},
    {kHRecipients, "Vem som tar emot dina uppgifter"},
    {kHRetention, "Hur länge vi sparar dina uppgifter"},
    {kHCookies, "Cookies och tredjepartsverktyg"},
    {kHRights, "Dina rättigheter och hur du använder dem"},
    {kHSecurity, "Hur vi skyddar dina uppgifter"},
    {kHAuthority, "Klagomål till tillsynsmyndigheten"},
    {kHVersion, "Version och ändringar"},

    {kLabelCompany, "Företag"},
    {kLabelOrgNumber, "Organisationsnummer"},
    {kLabelAddress, "Postadress"},
    {kLabelEmail, "E-post"},
    {kLabelPhone, "Telefon"},
    {kLabelWebsite, "Webbplats"},
    {kLabelRegister, "Register"},
    {kLabelDpo, "Dataskyddsombud"},
    {kLabelPrivacyEmail, "Frågor om personuppgifter"},
    {kLabelAuthority, "Tillsynsmyndighet"},
    {kLabelVersion, "Version"},
    {kLabelDate, "Datum"},
    {kLabelRole, "Roll"},
    {kLabelTask, "Vad de gör"},
    {kLabelCategories, "Uppgifter de tar emot"},
    {kLabelPurposes, "Ändamål"},
    {kLabelCountry, "Land"},
    {kLabelSafeguard, "Skyddsåtgärd vid överföring"},

    {kControllerLead,
     "{{name}}{{#has_trade}} ({{trade}}){{/has_trade}} är personuppgiftsansvarig för den behandling av "
     "personuppgifter som beskrivs i denna policy. Det betyder att vi bestämmer varför och hur dina uppgifter "
     "behandlas och ansvarar för att det sker lagligt."},
    {kControllerContact,
     "Har du frågor om denna policy eller om hur vi behandlar dina uppgifter är du välkommen att skriva till oss på "
     "{{email}}."},

    {kDataLead, "Vi behandlar följande personuppgifter om dig:"},
    {kDataNote,
     "Varje ändamål använder bara de uppgifter det behöver; vilka uppgifter ett ändamål använder står vid "
     "ändamålet längre ned."},
    {kGroupIdentity, "Grunduppgifter"},
    {kGroupContact, "Kontaktuppgifter"},
    {kGroupAccount, "Konto- och profilinformation"},
    {kGroupPayment, "Betalningsinformation"},
    {kGroupCustomer, "Kundhistorik och kundengagemang"},
    {kGroupActivity, "Kundaktivitet"},
    {kGroupDevice, "Enhetsinformation"},
    {kGroupCommunication, "Kommunikation"},
    {kGroupMarketing, "Val om marknadsföring"},
    {kGroupProfiling, "Härledda uppgifter"},
    {kGroupOther, "Övriga uppgifter"},
    {kSourcesDefault,
     "De flesta personuppgifter vi behandlar får vi direkt från dig, till exempel när du skapar ett konto, lägger "
     "en beställning eller kontaktar oss. En del uppstår när du använder våra tjänster och produkter."},
    {kSourcesOther, "Vi får också personuppgifter från följande källor:"},
    {kSourceItem, "{{source}}: {{categories}}."},

    {kPurposesLead,
     "Vi använder dina personuppgifter bara för de ändamål som beskrivs nedan. Varje ändamål har exakt en rättslig "
     "grund i EU:s dataskyddsförordning (GDPR); tabellen ger en översikt."},
    {kPurposesCaption, "Ändamål och rättslig grund"},
    {kColPurpose, "Ändamål"},
    {kColBasis, "Rättslig grund"},
    {kBasisConsent, "samtycke"},
    {kBasisContract, "avtal"},
    {kBasisLegalObligation, "rättslig förpliktelse"},
    {kBasisLegitimateInterest, "berättigat intresse"},
    {kBasisVitalInterest, "grundläggande intressen"},
    {kBasisPublicTask, "uppgift av allmänt intresse"},
    {kBasisTextConsent,
     "vi behandlar dina uppgifter för ändamålet bara om du har sagt ja, och du kan när som helst återkalla ditt "
     "samtycke."},
    {kBasisTextContract,
     "behandlingen är nödvändig för att fullgöra vårt avtal med dig eller för att vidta åtgärder som du begär innan "
     "ett avtal ingås."},
    {kBasisTextLegalObligation, "lagen kräver att vi behandlar uppgifterna."},
    {kBasisTextLegitimateInterest,
     "vi har vägt vårt intresse av behandlingen mot dina intressen och rättigheter och kommit fram till att den är "
     "motiverad. Du kan när som helst invända."},
    {kBasisTextVitalInterest, "behandlingen behövs för att skydda någons liv eller hälsa."},
    {kBasisTextPublicTask, "behandlingen behövs för en uppgift av allmänt intresse."},
    {kBasisArticle, "artikel 6.1 {{letter}} i dataskyddsförordningen"},
    {kPurposeData, "Uppgifter som används"},
    {kPurposeDataAll, "alla uppgifter som anges ovan, i den mån ärendet kräver det"},
    {kPurposeWithdraw, "Du kan återkalla ditt samtycke {{routes}}."},
    {kPurposeObject, "Du kan invända {{routes}}."},
    {kPurposeConsentValidity, "Ditt samtycke gäller i {{duration}}; därefter frågar vi dig igen."},
    {kPurposeRecipients, "Mottagare"},
    {kPurposeNoDescription, "Vi använder de uppgifter som anges nedan för detta ändamål."},
    {kStdContract, "Leverans av det du beställer"},
    {kStdCustomerService, "Kundtjänst"},
    {kStdAnalytics, "Analys och förbättring av tjänster"},
    {kStdPersonalisation, "Anpassad användarupplevelse"},
    {kStdMarketing, "Marknadsföring"},
    {kStdProfiling, "Profilering för mer relevant marknadsföring"},
    {kStdMonitoring, "Systemövervakning och felkorrigering"},
    {kStdSecurity, "Säkerhet och förebyggande av bedrägerier"},
    {kStdAccounting, "Bokföring och andra rättsliga förpliktelser"},
    {kStdContractText,
     "Vi använder dina uppgifter för att fullgöra vårt avtal med dig när du beställer en produkt eller tjänst."},
    {kStdCustomerServiceText,
     "Vi använder dina uppgifter för att hjälpa dig som kund, till exempel för att svara på frågor och hantera "
     "reklamationer."},
    {kStdAnalyticsText, "Vi analyserar hur våra tjänster används för att kunna utveckla och förbättra dem."},
    {kStdPersonalisationText, "Vi anpassar våra tjänster och vår kommunikation till din kundrelation."},
    {kStdMarketingText, "Vi använder dina uppgifter för att berätta om våra produkter och tjänster."},
    {kStdProfilingText,
     "Vi härleder dina intressen och behov ur dina uppgifter för att göra vår marknadsföring mer relevant."},
    {kStdMonitoringText, "Vi övervakar våra system för fel och problem, och det innefattar en del personuppgifter."},
    {kStdSecurityText,
     "Vi använder uppgifter för att skydda våra användare och oss själva mot bedrägerier, missbruk och brott."},
    {kStdAccountingText, "Lagen kräver att vi sparar räkenskapsinformation, till exempel uppgifter om försäljning."},

    {kRoutePortalUrl, "på din självbetjäningssida {{link}}"},
    {kRoutePortal, "genom att hantera dina samtycken och reservationer i ditt kundkonto"},
    {kRouteEmail, "via e-post till {{email}}"},
    {kRouteLink, "via avregistreringslänken i varje meddelande vi skickar dig"},
    {kRoutePhoneNumber, "per telefon på {{phone}}"},
    {kRoutePhone, "genom att ringa vår kundtjänst"},
    {kRouteStaff, "genom att kontakta vår kundtjänst"},
    {kOr, "eller"},
    {kAnd, "och"},

    {kConsentLead,
     "En del av vår behandling bygger på ditt samtycke. Det är frivilligt att samtycka, och att tacka nej får ingen "
     "annan följd än att vi inte utför den behandlingen. Du kan när som helst återkalla ett samtycke, lika enkelt "
     "som du gav det; återkallelsen gäller från och med då och påverkar inte behandling som skett tidigare."},
    {kConsentList, "Dessa ändamål bygger på ditt samtycke:"},
    {kConsentItem, "{{purpose}}: du kan återkalla ditt samtycke {{routes}}."},
    {kConsentRenewal,
     "Om vi ändrar ett samtyckesbaserat ändamål på ett sätt som har betydelse gäller ditt tidigare samtycke inte "
     "längre, och vi frågar dig igen. Förkryssade rutor, tystnad eller att stänga en banner räknas aldrig som "
     "samtycke."},
    {kObjectionLead,
     "När vi behandlar dina uppgifter med stöd av vårt berättigade intresse har du rätt att invända av skäl som rör "
     "din särskilda situation (artikel 21 i dataskyddsförordningen). Vi upphör då med den behandlingen av dina "
     "uppgifter, om vi inte kan visa tvingande berättigade skäl som väger tyngre än dina intressen eller behöver "
     "uppgifterna för att fastställa, göra gällande eller försvara rättsliga anspråk. Om vi fortsätter förklarar vi "
     "varför."},
    {kObjectionMarketing,
     "Du kan alltid invända mot direktmarknadsföring, inklusive profilering för direktmarknadsföring. Vi slutar då "
     "omedelbart, och du behöver inte ange något skäl."},
    {kObjectionList, "Du kan invända mot dessa ändamål:"},
    {kObjectionItem, "{{purpose}}: du kan invända {{routes}}."},

    {kChannelEmail, "via e-post"},
    {kChannelSms, "via sms"},
    {kChannelPhone, "per telefon"},
    {kChannelPost, "med adresserad post"},
    {kMarketingLead, "Vi kan kontakta dig med marknadsföring {{channels}}."},
    {kMarketingItemConsent, "{{purpose}} ({{channels}}): bara med ditt samtycke."},
    {kMarketingItemLegitimate,
     "{{purpose}} ({{channels}}): med stöd av vårt berättigade intresse; du kan när som helst tacka nej."},
    {kMarketingExistingCustomers,
     "Om du redan är kund hos oss kan vi skicka dig e-post och sms om våra egna produkter och tjänster som liknar "
     "dem du har köpt, utan att först be om samtycke. Du kan tacka nej när vi samlar in dina kontaktuppgifter och i "
     "varje meddelande vi skickar."},
    {kMarketingOptOutEmail,
     "Du tackar nej genom att skicka e-post till {{email}}{{#has_subject}} med ämnesraden ”{{subject}}”"
     "{{/has_subject}}."},
    {kMarketingRegisters,
     "Innan vi ringer dig eller skickar adresserad reklam kontrollerar vi {{registers}}. Om du har registrerat dig "
     "där kontaktar vi dig inte på det sättet{{#exempt}}, om du inte redan är kund hos oss{{/exempt}}."},
    {kMarketingProhibition,
     "Du kan förbjuda oss att använda dina uppgifter för direktmarknadsföring, distansförsäljning, "
     "marknadsundersökningar och opinionsundersökningar. Vi registrerar ditt förbud och följer det vid varje "
     "utskick."},
    {kMarketingSuppression,
     "Om du ber oss radera dina uppgifter sparar vi bara ett envägsfingeravtryck av din e-postadress, så att du inte "
     "av misstag kan hamna på en marknadsföringslista igen."},

    {kRecipientsLead,
     "Vi lämnar bara ut personuppgifter när det behövs för de ändamål som beskrivs ovan. Personuppgiftsbiträden "
     "behandlar uppgifterna för vår räkning enligt ett personuppgiftsbiträdesavtal och får inte använda dem för "
     "egna syften. Självständigt personuppgiftsansvariga ansvarar själva för hur de behandlar uppgifterna de får."},
    {kRecipientsCaption, "Mottagare av personuppgifter"},
    {kColRecipient, "Mottagare"},
    {kColRole, "Roll"},
    {kColTask, "Vad de gör"},
    {kColCountry, "Land"},
    {kColSafeguard, "Skyddsåtgärd vid överföring"},
    {kRoleProcessor, "Personuppgiftsbiträde"},
    {kRoleController, "Självständigt personuppgiftsansvarig"},
    {kRoleThirdParty, "Tredje part"},
    {kServicePayment, "Betalning"},
    {kServiceDelivery, "Leverans"},
    {kServiceHosting, "Drift och lagring"},
    {kServiceAnalytics, "Analys"},
    {kServiceAdvertising, "Annonsering"},
    {kServiceChat, "Chatt"},
    {kServiceEmail, "E-post"},
    {kServiceReviews, "Recensioner"},
    {kServiceWebsite, "Webbplats"},
    {kServiceAccounting, "Bokföring"},
    {kServiceIdentity, "Identifiering"},
    {kServiceSupport, "Support"},
    {kServiceMarketing, "Marknadsföring"},
    {kServiceOther, "Övriga tjänster"},
    {kSafeguardNone, "Behövs inte (inom EU/EES)"},
    {kSafeguardAdequacy, "EU-kommissionens beslut om adekvat skyddsnivå (artikel 45)"},
    {kSafeguardDpf, "Dataskyddsramen mellan EU och USA (beslut om adekvat skyddsnivå, artikel 45)"},
    {kSafeguardScc, "EU:s standardavtalsklausuler (artikel 46)"},
    {kSafeguardBcr, "Bindande företagsbestämmelser (artikel 47)"},
    {kSafeguardDerogation, "Undantag för en särskild situation (artikel 49)"},
    {kRecipientsTransfers,
     "Vissa mottagare finns utanför EU/EES. Vi överför bara personuppgifter till dem med den skyddsåtgärd som anges "
     "i tabellen, och du kan be oss om en kopia av den."},
    {kRecipientsNone, "Vi lämnar inte ut dina personuppgifter till andra företag."},
    {kRecipientsOverview,
     "En översikt över våra personuppgiftsbiträden, med vilka uppgifter var och en får och varför, finns på "
     "{{link}}."},

    {kRetentionLead,
     "Vi sparar personuppgifter bara så länge vi behöver dem för de ändamål de samlades in för. När tiden nedan har "
     "gått raderar vårt kundregister uppgifterna automatiskt."},
    {kRetentionCaption, "Lagringstider"},
    {kColData, "Uppgifter"},
    {kColPeriod, "Hur länge vi sparar dem"},
    {kColWhy, "Varför"},
    {kAnchorCollected, "efter insamlingen"},
    {kAnchorLastActivity, "efter din senaste aktivitet hos oss"},
    {kAnchorAgreementEnd, "efter att avtalet upphört"},
    {kAnchorFiscalYearEnd, "efter räkenskapsårets slut"},
    {kAnchorCalendarYearEndAfterFy, "efter utgången av det kalenderår då räkenskapsåret avslutades"},
    {kAnchorErased, "efter att dina uppgifter raderats"},
    {kRetentionPeriod, "{{duration}} {{anchor}}"},
    {kDurationYear, "1 år"},
    {kDurationYears, "{{n}} år"},
    {kDurationMonth, "1 månad"},
    {kDurationMonths, "{{n}} månader"},
    {kDurationDay, "1 dag"},
    {kDurationDays, "{{n}} dagar"},
    {kRetentionAccounting,
     "Räkenskapsinformation sparas så länge som {{law}} kräver{{#has_years}} ({{years}}){{/has_years}}, även om du "
     "ber oss radera dina uppgifter. Fram till dess hålls den åtskild, används bara för bokföringen och raderas "
     "sedan."},
    {kAccountingYearsSplit, "{{books}} för räkenskaperna och {{vouchers}} för verifikationerna"},
    {kRetentionAccountingReason, "Krävs enligt {{law}}."},
    {kRetentionDefaultReason, "Behövs för de ändamål som beskrivs ovan."},
    {kRetentionOther, "Uppgifter som inte finns i tabellen sparas bara så länge ändamålen ovan kräver det."},
    {kLawGeneric, "den bokföringslag som gäller för oss"},
    {kKindOrder, "Beställningar"},
    {kKindPayment, "Betalningar"},
    {kKindDelivery, "Leveranser"},
    {kKindCartEvent, "Kundvagnsaktivitet"},
    {kKindDiscountUse, "Använda rabattkoder"},
    {kKindLoyalty, "Lojalitetsprogram"},
    {kKindAgreement, "Produkter och avtal"},
    {kKindUsage, "Användning av produkter och tjänster"},
    {kKindActivity, "Aktivitetshistorik"},
    {kKindDevice, "Enhetsinformation"},
    {kKindMessage, "Meddelanden"},

    {kCookiesLead,
     "Vår webbplats använder cookies och liknande tekniker. De som behövs för att webbplatsen ska fungera är alltid "
     "påslagna; allt annat laddas bara om du samtycker, och du kan när som helst ändra ditt val i "
     "cookieinställningarna på vår webbplats."},
    {kCookiesCaption, "Cookies och tredjepartsverktyg"},
    {kColTool, "Verktyg"},
    {kColProvider, "Leverantör"},
    {kColType, "Typ"},
    {kColWhat, "Vad det gör"},
    {kColLifetime, "Livslängd"},
    {kColWithoutConsent, "Utan ditt samtycke"},
    {kCookieNecessary, "Nödvändig"},
    {kCookiePreferences, "Inställningar"},
    {kCookieStatistics, "Statistik"},
    {kCookieMarketing, "Marknadsföring"},
    {kWithoutNotLoaded, "Laddas inte"},
    {kWithoutAnonymised, "Lagrar bara anonymiserade uppgifter"},
    {kWithoutEssential, "Alltid på: nödvändig för att webbplatsen ska fungera"},
    {kCookiesBanner,
     "Ditt val i cookieinställningarna gäller bara cookies och liknande verktyg. Det räknas aldrig som samtycke till "
     "någon annan behandling som beskrivs i denna policy."},

    {kRightsLead,
     "Du har de rättigheter som anges nedan. Det kostar ingenting att använda dem. Vi svarar inom en månad från att "
     "vi tagit emot din begäran. Om en begäran är komplicerad, eller om vi får många, kan vi förlänga tiden med "
     "högst två månader till; då förklarar vi varför inom den första månaden."},
    {kRightsIdentity,
     "Innan vi lämnar ut eller ändrar uppgifter kontrollerar vi att begäran kommer från dig, med en engångskod som "
     "skickas till de kontaktuppgifter vi har registrerat för dig."},
    {kRightsRejected,
     "Om vi inte kan tillmötesgå en begäran förklarar vi varför och att du kan klaga hos tillsynsmyndigheten och gå "
     "till domstol."},
    {kRightAccessH, "Rätt till tillgång"},
    {kRightAccess,
     "Du kan få veta om vi behandlar personuppgifter om dig och få en kopia av dem, tillsammans med uppgifter om "
     "ändamål, rättslig grund, mottagare, lagringstid och varifrån uppgifterna kommer. Du kan begära detta "
     "{{routes}}."},
    {kRightRectificationH, "Rätt till rättelse"},
    {kRightRectification,
     "Om uppgifter om dig är felaktiga eller ofullständiga kan du få dem rättade eller kompletterade. Du kan begära "
     "detta {{routes}}."},
    {kRightErasureH, "Rätt till radering"},
    {kRightErasure,
     "Du kan be oss radera dina personuppgifter, till exempel när vi inte längre behöver dem eller när du återkallar "
     "det samtycke som behandlingen byggde på. Vi raderar dem då utan onödigt dröjsmål och meddelar de mottagare "
     "som vi har lämnat ut dem till. Du kan begära detta {{routes}}."},
    {kRightErasureAccounting,
     "Uppgifter som vi enligt {{law}} måste spara, till exempel räkenskapsinformation, raderas inte förrän den tiden "
     "har gått ut; fram till dess används de bara för bokföringen."},
    {kRightRestrictionH, "Rätt till begränsning av behandling"},
    {kRightRestriction,
     "Du kan be oss begränsa behandlingen av dina uppgifter, till exempel medan vi kontrollerar om uppgifterna är "
     "korrekta eller prövar en invändning. Vi lagrar då bara uppgifterna och använder dem bara med ditt samtycke "
     "eller för rättsliga anspråk. Du kan begära detta {{routes}}."},
    {kRightPortabilityH, "Rätt till dataportabilitet"},
    {kRightPortability,
     "Du kan få ut de uppgifter du har lämnat till oss, och de uppgifter vi har registrerat om din användning av "
     "våra tjänster, i ett strukturerat, allmänt använt och maskinläsbart format (JSON och CSV), och få dem "
     "överförda direkt till ett annat företag när det är tekniskt möjligt. Det gäller uppgifter som vi behandlar "
     "med stöd av ditt samtycke eller ett avtal med dig. Du kan begära detta {{routes}}."},
    {kRightObjectionH, "Rätt att invända"},
    {kRightObjection,
     "Du kan invända mot behandling som bygger på vårt berättigade intresse, och du kan alltid invända mot "
     "direktmarknadsföring; se ”{{section}}” ovan. Du kan invända {{routes}}."},
    {kRightWithdrawH, "Rätt att återkalla samtycke"},
    {kRightWithdraw,
     "När vi behandlar dina uppgifter med stöd av ditt samtycke kan du när som helst återkalla det {{routes}}; se "
     "”{{section}}” ovan."},

    {kSecurityDefault,
     "Vi skyddar personuppgifter med tekniska och organisatoriska åtgärder som är anpassade efter risken, till "
     "exempel behörighetsstyrning, kryptering och regelbunden översyn av våra rutiner."},
    {kSecurityRegister,
     "Dina uppgifter förvaras i ett kundregister som krypterar dem med en egen nyckel för varje kund. Varje gång "
     "någon slår upp dina uppgifter måste ändamålet anges; uppslaget kontrolleras mot denna policy och registreras i "
     "en logg som inte kan ändras obemärkt. När dina uppgifter raderas förstörs nyckeln, så att ingen kopia av dem "
     "längre kan läsas, inte ens i säkerhetskopior."},
    {kAuthorityLead,
     "Om du anser att vi behandlar dina personuppgifter i strid med reglerna har du rätt att klaga hos "
     "tillsynsmyndigheten. Vi uppskattar om du först kontaktar oss, så att vi kan försöka rätta till det."},
    {kAuthorityElsewhere,
     "Du kan också klaga hos tillsynsmyndigheten i det EU/EES-land där du bor eller arbetar, eller gå till domstol."},
    {kVersionGenerated,
     "Denna policy genereras från samma konfiguration som vårt kundregister tillämpar, så den beskriver vad "
     "systemet faktiskt gör. Version {{version}} identifierar den konfigurationen; varje samtycke du lämnar "
     "registreras med den version det gavs under."},
    {kVersionChanges,
     "När vi ändrar denna policy publicerar vi den nya versionen här. Tidigare versioner sparas, så att vi alltid "
     "kan visa vilken text som gällde när."},

    {kProcessorsLead,
     "Denna översikt visar de personuppgiftsbiträden och andra mottagare som kan få personuppgifter från {{name}}, "
     "vad de får och varför. Den kompletterar vår integritetspolicy: {{link}}."},
    {kProcessorsNone,
     "Vi anlitar för närvarande inga personuppgiftsbiträden och lämnar inte ut personuppgifter till andra "
     "mottagare."},
    {kBackToPolicy, "Integritetspolicy"},

    {kDate, "{{day}} {{month}} {{year}}"},
    {kMonth1, "januari"},
    {kMonth2, "februari"},
    {kMonth3, "mars"},
    {kMonth4, "april"},
    {kMonth5, "maj"},
    {kMonth6, "juni"},
    {kMonth7, "juli"},
    {kMonth8, "augusti"},
    {kMonth9, "september"},
    {kMonth10, "oktober"},
    {kMonth11, "november"},
    {kMonth12, "december"},
};

static_assert(IsCompleteCatalog(kMessages), "catalog_sv.cc must list every message of catalog.h once, in order");

}  // namespace

std::span<const Message> SwedishMessages() { return kMessages; }

}  // namespace tillit::policy
