// The Norwegian Bokmål catalog of the generated privacy policy (see catalog.h). Terms follow the Norwegian text of
// the GDPR (personvernforordningen): behandlingsansvarlig, databehandler, behandlingsgrunnlag, berettiget interesse.
#include "policy/catalog.h"

namespace tillit::policy {
namespace {

using enum Msg;

constexpr Message kMessages[] = {
    {kTitle, "Personvernerklæring"},
    {kProcessorsTitle, "Databehandlere og andre mottakere"},
    {kSkipLink, "Hopp til innholdet"},
    {kContents, "Innhold"},
    {kVersionLine, "Versjon {{version}}, datert {{date}}."},
    {kFooter, "{{name}} · versjon {{version}}"},
    {kIntroDefault,
     "I denne personvernerklæringen forklarer vi hvordan {{name}} behandler personopplysninger{{#has_website}} når "
     "du bruker {{website}}{{/has_website}}: hvilke opplysninger vi samler inn og hvor de kommer fra, hvorfor vi "
     "bruker dem og på hvilket grunnlag, hvem som mottar dem, hvor lenge vi lagrer dem og hvordan du kan bruke "
     "rettighetene dine."},

    {kHController, "Hvem som er ansvarlig for opplysningene dine"},
    {kHData, "Personopplysninger vi behandler"},
    {kHSources, "Hvor opplysningene kommer fra"},
    {kHPurposes, "Hvorfor vi behandler opplysningene dine, og på hvilket grunnlag"},
    {kHConsent, "Samtykke og hvordan du trekker det tilbake"},
    {kHObjection, "Din rett til å protestere"},
    {kHMarketing, "Markedsføring og hvordan du reserverer deg"},
    {kHRecipients, "Hvem som mottar opplysningene dine"},
    {kHRetention, "Hvor lenge vi lagrer opplysningene dine"},
    {kHCookies, "Informasjonskapsler og tredjepartsverktøy"},
    {kHRights, "Rettighetene dine og hvordan du bruker dem"},
    {kHSecurity, "Hvordan vi sikrer opplysningene dine"},
    {kHAuthority, "Klage til tilsynsmyndigheten"},
    {kHVersion, "Versjon og endringer"},

    {kLabelCompany, "Selskap"},
    {kLabelOrgNumber, "Organisasjonsnummer"},
    {kLabelAddress, "Postadresse"},
    {kLabelEmail, "E-post"},
    {kLabelPhone, "Telefon"},
    {kLabelWebsite, "Nettsted"},
    {kLabelRegister, "Register"},
    {kLabelDpo, "Personvernombud"},
    {kLabelPrivacyEmail, "Henvendelser om personvern"},
    {kLabelAuthority, "Tilsynsmyndighet"},
    {kLabelVersion, "Versjon"},
    {kLabelDate, "Dato"},
    {kLabelRole, "Rolle"},
    {kLabelTask, "Hva de gjør"},
    {kLabelCategories, "Opplysninger de mottar"},
    {kLabelPurposes, "Formål"},
    {kLabelCountry, "Land"},
    {kLabelSafeguard, "Overføringsgrunnlag"},

    {kControllerLead,
     "{{name}}{{#has_trade}} ({{trade}}){{/has_trade}} er behandlingsansvarlig for behandlingen av "
     "personopplysninger som er beskrevet i denne erklæringen. Det betyr at vi bestemmer hvorfor og hvordan "
     "opplysningene dine behandles, og at vi har ansvaret for at det skjer lovlig."},
    {kControllerContact,
     "Har du spørsmål om denne erklæringen eller om hvordan vi behandler opplysningene dine, kan du skrive til oss "
     "på {{email}}."},

    {kDataLead, "Vi behandler disse personopplysningene om deg:"},
    {kDataNote,
     "Hvert formål bruker bare de opplysningene det trenger; hvilke opplysninger et formål bruker, står ved formålet "
     "lenger ned."},
    {kGroupIdentity, "Grunnopplysninger"},
    {kGroupContact, "Kontaktinformasjon"},
    {kGroupAccount, "Konto- og profilinformasjon"},
    {kGroupPayment, "Betalingsinformasjon"},
    {kGroupCustomer, "Kundehistorikk og kundeengasjement"},
    {kGroupActivity, "Kundeaktivitet"},
    {kGroupDevice, "Enhetsinformasjon"},
    {kGroupCommunication, "Kommunikasjon"},
    {kGroupMarketing, "Valg om markedsføring"},
    {kGroupProfiling, "Utledede opplysninger"},
    {kGroupOther, "Andre opplysninger"},
    {kSourcesDefault,
     "De fleste personopplysningene vi behandler, får vi direkte fra deg, for eksempel når du oppretter en konto, "
     "legger inn en bestilling eller kontakter oss. Noe oppstår når du bruker tjenestene og produktene våre."},
    {kSourcesOther, "Vi mottar også personopplysninger fra disse kildene:"},
    {kSourceItem, "{{source}}: {{categories}}."},

    {kPurposesLead,
     "Vi bruker personopplysningene dine bare til formålene som er beskrevet nedenfor. Hvert formål har nøyaktig ett "
     "behandlingsgrunnlag i EUs personvernforordning (GDPR); tabellen gir en oversikt."},
    {kPurposesCaption, "Formål og behandlingsgrunnlag"},
    {kColPurpose, "Formål"},
    {kColBasis, "Behandlingsgrunnlag"},
    {kBasisConsent, "samtykke"},
    {kBasisContract, "avtale"},
    {kBasisLegalObligation, "rettslig forpliktelse"},
    {kBasisLegitimateInterest, "berettiget interesse"},
    {kBasisVitalInterest, "vitale interesser"},
    {kBasisPublicTask, "oppgave i allmennhetens interesse"},
    {kBasisTextConsent,
     "vi behandler opplysningene dine til formålet bare hvis du har sagt ja, og du kan når som helst trekke samtykket "
     "tilbake."},
    {kBasisTextContract,
     "behandlingen er nødvendig for å oppfylle avtalen vår med deg, eller for å gjennomføre tiltak du ber om før en "
     "avtale inngås."},
    {kBasisTextLegalObligation, "loven krever at vi behandler opplysningene."},
    {kBasisTextLegitimateInterest,
     "vi har veid interessen vår i behandlingen mot dine interesser og rettigheter og kommet til at den er berettiget. "
     "Du kan når som helst protestere."},
    {kBasisTextVitalInterest, "behandlingen er nødvendig for å verne noens liv eller helse."},
    {kBasisTextPublicTask, "behandlingen er nødvendig for å utføre en oppgave i allmennhetens interesse."},
    {kBasisArticle, "personvernforordningen artikkel 6 nr. 1 bokstav {{letter}}"},
    {kPurposeData, "Opplysninger som brukes"},
    {kPurposeDataAll, "alle opplysningene som er nevnt ovenfor, så langt saken krever det"},
    {kPurposeWithdraw, "Du kan trekke samtykket tilbake {{routes}}."},
    {kPurposeObject, "Du kan protestere {{routes}}."},
    {kPurposeConsentValidity, "Samtykket ditt gjelder i {{duration}}; deretter spør vi deg på nytt."},
    {kPurposeRecipients, "Mottakere"},
    {kPurposeNoDescription, "Vi bruker opplysningene som er nevnt nedenfor, til dette formålet."},
    {kStdContract, "Levering av det du bestiller"},
    {kStdCustomerService, "Kundeservice"},
    {kStdAnalytics, "Analyse og forbedring av tjenestene"},
    {kStdPersonalisation, "Tilpasset brukeropplevelse"},
    {kStdMarketing, "Markedsføring"},
    {kStdProfiling, "Profilering for mer relevant markedsføring"},
    {kStdMonitoring, "Systemovervåking og feilretting"},
    {kStdSecurity, "Sikkerhet og forebygging av svindel"},
    {kStdAccounting, "Regnskap og andre rettslige forpliktelser"},
    {kStdContractText,
     "Vi bruker opplysningene dine til å oppfylle avtalen vår med deg når du bestiller et produkt eller en "
     "tjeneste."},
    {kStdCustomerServiceText,
     "Vi bruker opplysningene dine til å hjelpe deg som kunde, for eksempel til å svare på spørsmål og behandle "
     "reklamasjoner."},
    {kStdAnalyticsText, "Vi analyserer hvordan tjenestene våre brukes, for å utvikle og forbedre dem."},
    {kStdPersonalisationText, "Vi tilpasser tjenestene og kommunikasjonen vår til kundeforholdet ditt."},
    {kStdMarketingText, "Vi bruker opplysningene dine til å fortelle deg om produktene og tjenestene våre."},
    {kStdProfilingText,
     "Vi utleder interessene og behovene dine fra opplysningene dine for å gjøre markedsføringen vår mer relevant."},
    {kStdMonitoringText, "Vi overvåker systemene våre for feil og problemer, og det omfatter noen personopplysninger."},
    {kStdSecurityText,
     "Vi bruker opplysninger til å beskytte brukerne våre og oss selv mot svindel, misbruk og kriminalitet."},
    {kStdAccountingText, "Loven krever at vi oppbevarer regnskapsopplysninger, for eksempel om salg."},

    {kRoutePortalUrl, "på selvbetjeningssiden din {{link}}"},
    {kRoutePortal, "ved å administrere samtykker og reservasjoner i kundekontoen din"},
    {kRouteEmail, "på e-post til {{email}}"},
    {kRouteLink, "med avmeldingslenken i hver melding vi sender deg"},
    {kRoutePhoneNumber, "på telefon {{phone}}"},
    {kRoutePhone, "ved å ringe kundeservice"},
    {kRouteStaff, "ved å kontakte kundeservice"},
    {kOr, "eller"},
    {kAnd, "og"},

    {kConsentLead,
     "Noe av behandlingen vår bygger på samtykket ditt. Det er frivillig å samtykke, og å si nei har ingen annen "
     "følge enn at vi ikke utfører den behandlingen. Du kan når som helst trekke tilbake et samtykke, like enkelt "
     "som du ga det; tilbaketrekkingen gjelder fra da av og påvirker ikke behandling som har skjedd tidligere."},
    {kConsentList, "Disse formålene bygger på samtykket ditt:"},
    {kConsentItem, "{{purpose}}: du kan trekke samtykket tilbake {{routes}}."},
    {kConsentRenewal,
     "Hvis vi endrer et samtykkebasert formål på en måte som har betydning, gjelder ikke det tidligere samtykket "
     "ditt lenger, og vi spør deg på nytt. Forhåndsavkryssede bokser, taushet eller å lukke et banner regnes aldri "
     "som samtykke."},
    {kObjectionLead,
     "Når vi behandler opplysningene dine på grunnlag av vår berettigede interesse, har du rett til å protestere av "
     "grunner som gjelder din særlige situasjon (personvernforordningen artikkel 21). Vi stanser da den behandlingen "
     "av opplysningene dine, med mindre vi kan påvise tvingende berettigede grunner som går foran dine interesser, "
     "eller trenger opplysningene for å fastsette, gjøre gjeldende eller forsvare et rettskrav. Hvis vi fortsetter, "
     "forklarer vi hvorfor."},
    {kObjectionMarketing,
     "Du kan alltid protestere mot direkte markedsføring, også profilering for direkte markedsføring. Vi stanser da "
     "med en gang, og du trenger ikke å begrunne det."},
    {kObjectionList, "Du kan protestere mot disse formålene:"},
    {kObjectionItem, "{{purpose}}: du kan protestere {{routes}}."},

    {kChannelEmail, "på e-post"},
    {kChannelSms, "på SMS"},
    {kChannelPhone, "på telefon"},
    {kChannelPost, "med adressert post"},
    {kMarketingLead, "Vi kan kontakte deg med markedsføring {{channels}}."},
    {kMarketingItemConsent, "{{purpose}} ({{channels}}): bare med samtykket ditt."},
    {kMarketingItemLegitimate,
     "{{purpose}} ({{channels}}): på grunnlag av vår berettigede interesse; du kan når som helst reservere deg."},
    {kMarketingExistingCustomers,
     "Hvis du allerede er kunde hos oss, kan vi sende deg e-post og SMS om våre egne produkter og tjenester som "
     "ligner dem du har kjøpt, uten å be om samtykke først. Du kan si nei når vi samler inn kontaktopplysningene "
     "dine, og i hver melding vi sender."},
    {kMarketingOptOutEmail,
     "Du reserverer deg ved å sende e-post til {{email}}{{#has_subject}} med emnefeltet «{{subject}}»"
     "{{/has_subject}}."},
    {kMarketingRegisters,
     "Før vi ringer deg eller sender deg adressert reklame, sjekker vi {{registers}}. Hvis du har reservert deg der, "
     "kontakter vi deg ikke på den måten{{#exempt}}, med mindre du allerede er kunde hos oss{{/exempt}}."},
    {kMarketingProhibition,
     "Du kan forby oss å bruke opplysningene dine til direkte markedsføring, fjernsalg, markedsundersøkelser og "
     "meningsmålinger. Vi registrerer forbudet ditt og følger det ved hver utsendelse."},
    {kMarketingSuppression,
     "Hvis du ber oss slette opplysningene dine, beholder vi bare et enveis fingeravtrykk av e-postadressen din, "
     "slik at du ikke ved en feil havner på en markedsføringsliste igjen."},

    {kRecipientsLead,
     "Vi utleverer personopplysninger bare når det trengs for formålene som er beskrevet ovenfor. Databehandlere "
     "behandler opplysningene på våre vegne etter en databehandleravtale og kan ikke bruke dem til egne formål. "
     "Selvstendig behandlingsansvarlige har selv ansvaret for hvordan de behandler opplysningene de mottar."},
    {kRecipientsCaption, "Mottakere av personopplysninger"},
    {kColRecipient, "Mottaker"},
    {kColRole, "Rolle"},
    {kColTask, "Hva de gjør"},
    {kColCountry, "Land"},
    {kColSafeguard, "Overføringsgrunnlag"},
    {kRoleProcessor, "Databehandler"},
    {kRoleController, "Selvstendig behandlingsansvarlig"},
    {kRoleThirdParty, "Tredjepart"},
    {kServicePayment, "Betaling"},
    {kServiceDelivery, "Levering"},
    {kServiceHosting, "Drift og lagring"},
    {kServiceAnalytics, "Analyse"},
    {kServiceAdvertising, "Annonsering"},
    {kServiceChat, "Chat"},
    {kServiceEmail, "E-post"},
    {kServiceReviews, "Anmeldelser"},
    {kServiceWebsite, "Nettsted"},
    {kServiceAccounting, "Regnskap"},
    {kServiceIdentity, "Identifisering"},
    {kServiceSupport, "Kundestøtte"},
    {kServiceMarketing, "Markedsføring"},
    {kServiceOther, "Andre tjenester"},
    {kSafeguardNone, "Ikke nødvendig (innenfor EU/EØS)"},
    {kSafeguardAdequacy, "EU-kommisjonens beslutning om tilstrekkelig beskyttelsesnivå (artikkel 45)"},
    {kSafeguardDpf,
     "Personvernrammeverket mellom EU og USA (beslutning om tilstrekkelig beskyttelsesnivå, "
     "artikkel 45)"},
    {kSafeguardScc, "EUs standardpersonvernbestemmelser (artikkel 46)"},
    {kSafeguardBcr, "Bindende virksomhetsregler (artikkel 47)"},
    {kSafeguardDerogation, "Unntak for en særlig situasjon (artikkel 49)"},
    {kRecipientsTransfers,
     "Noen mottakere er utenfor EU/EØS. Vi overfører bare personopplysninger til dem med overføringsgrunnlaget som "
     "står i tabellen, og du kan be oss om en kopi av det."},
    {kRecipientsNone, "Vi utleverer ikke personopplysningene dine til andre selskaper."},
    {kRecipientsOverview,
     "En oversikt over databehandlerne våre, med hvilke opplysninger hver av dem mottar og hvorfor, finner du på "
     "{{link}}."},

    {kRetentionLead,
     "Vi lagrer personopplysninger bare så lenge vi trenger dem til formålene de ble samlet inn for. Når tiden "
     "nedenfor er ute, sletter kunderegisteret vårt opplysningene automatisk."},
    {kRetentionCaption, "Lagringstid"},
    {kColData, "Opplysninger"},
    {kColPeriod, "Hvor lenge vi lagrer dem"},
    {kColWhy, "Hvorfor"},
    {kAnchorCollected, "etter innsamlingen"},
    {kAnchorLastActivity, "etter din siste aktivitet hos oss"},
    {kAnchorAgreementEnd, "etter at avtalen er avsluttet"},
    {kAnchorFiscalYearEnd, "etter regnskapsårets slutt"},
    {kAnchorCalendarYearEndAfterFy, "etter utgangen av kalenderåret da regnskapsåret ble avsluttet"},
    {kAnchorErased, "etter at opplysningene dine er slettet"},
    {kRetentionPeriod, "{{duration}} {{anchor}}"},
    {kDurationYear, "1 år"},
    {kDurationYears, "{{n}} år"},
    {kDurationMonth, "1 måned"},
    {kDurationMonths, "{{n}} måneder"},
    {kDurationDay, "1 dag"},
    {kDurationDays, "{{n}} dager"},
    {kRetentionAccounting,
     "Regnskapsopplysninger oppbevares så lenge {{law}} krever{{#has_years}} ({{years}}){{/has_years}}, også om du "
     "ber oss slette opplysningene dine. Fram til da holdes de atskilt, brukes bare til regnskapsformål og slettes "
     "deretter."},
    {kAccountingYearsSplit, "{{books}} for regnskapet og {{vouchers}} for bilagene"},
    {kRetentionAccountingReason, "Kreves etter {{law}}."},
    {kRetentionDefaultReason, "Nødvendig for formålene som er beskrevet ovenfor."},
    {kRetentionOther, "Opplysninger som ikke står i tabellen, lagres bare så lenge formålene ovenfor krever det."},
    {kLawGeneric, "bokføringsreglene som gjelder for oss"},
    {kKindOrder, "Bestillinger"},
    {kKindPayment, "Betalinger"},
    {kKindDelivery, "Leveranser"},
    {kKindCartEvent, "Handlekurvaktivitet"},
    {kKindDiscountUse, "Brukte rabattkoder"},
    {kKindLoyalty, "Lojalitetsprogram"},
    {kKindAgreement, "Produkter og avtaler"},
    {kKindUsage, "Bruk av produkter og tjenester"},
    {kKindActivity, "Aktivitetshistorikk"},
    {kKindDevice, "Enhetsinformasjon"},
    {kKindMessage, "Meldinger"},

    {kCookiesLead,
     "Nettstedet vårt bruker informasjonskapsler og lignende teknologi. De som er nødvendige for at nettstedet skal "
     "virke, er alltid på; alt annet lastes bare hvis du samtykker, og du kan når som helst endre valget ditt i "
     "innstillingene for informasjonskapsler på nettstedet vårt."},
    {kCookiesCaption, "Informasjonskapsler og tredjepartsverktøy"},
    {kColTool, "Verktøy"},
    {kColProvider, "Leverandør"},
    {kColType, "Type"},
    {kColWhat, "Hva det gjør"},
    {kColLifetime, "Levetid"},
    {kColWithoutConsent, "Uten samtykket ditt"},
    {kCookieNecessary, "Nødvendig"},
    {kCookiePreferences, "Innstillinger"},
    {kCookieStatistics, "Statistikk"},
    {kCookieMarketing, "Markedsføring"},
    {kWithoutNotLoaded, "Lastes ikke"},
    {kWithoutAnonymised, "Lagrer bare anonymiserte opplysninger"},
    {kWithoutEssential, "Alltid på: nødvendig for at nettstedet skal virke"},
    {kCookiesBanner,
     "Valget ditt i innstillingene for informasjonskapsler gjelder bare informasjonskapsler og lignende verktøy. Det "
     "regnes aldri som samtykke til annen behandling som er beskrevet i denne erklæringen."},

    {kRightsLead,
     "Du har rettighetene som er beskrevet nedenfor. Det er gratis å bruke dem. Vi svarer innen én måned etter at vi "
     "har mottatt forespørselen din. Hvis en forespørsel er komplisert, eller vi får mange, kan vi forlenge fristen "
     "med inntil to måneder til; da forklarer vi hvorfor innen den første måneden."},
    {kRightsIdentity,
     "Før vi utleverer eller endrer opplysninger, bekrefter vi at forespørselen kommer fra deg, med en engangskode "
     "som sendes til kontaktopplysningene vi har registrert på deg."},
    {kRightsRejected,
     "Hvis vi ikke kan imøtekomme en forespørsel, forklarer vi hvorfor og at du kan klage til tilsynsmyndigheten og "
     "bringe saken inn for domstolene."},
    {kRightAccessH, "Rett til innsyn"},
    {kRightAccess,
     "Du kan få vite om vi behandler personopplysninger om deg, og få en kopi av dem, sammen med opplysninger om "
     "formål, behandlingsgrunnlag, mottakere, lagringstid og hvor opplysningene kommer fra. Du kan be om dette "
     "{{routes}}."},
    {kRightRectificationH, "Rett til retting"},
    {kRightRectification,
     "Hvis opplysninger om deg er feil eller ufullstendige, kan du få dem rettet eller supplert. Du kan be om dette "
     "{{routes}}."},
    {kRightErasureH, "Rett til sletting"},
    {kRightErasure,
     "Du kan be oss slette personopplysningene dine, for eksempel når vi ikke lenger trenger dem, eller når du "
     "trekker tilbake samtykket behandlingen bygget på. Vi sletter dem da uten ugrunnet opphold og varsler "
     "mottakerne vi har utlevert dem til. Du kan be om dette {{routes}}."},
    {kRightErasureAccounting,
     "Opplysninger som vi etter {{law}} må oppbevare, for eksempel regnskapsopplysninger, slettes ikke før den "
     "tiden er ute; fram til da brukes de bare til regnskapsformål."},
    {kRightRestrictionH, "Rett til begrensning av behandlingen"},
    {kRightRestriction,
     "Du kan be oss begrense behandlingen av opplysningene dine, for eksempel mens vi undersøker om opplysningene er "
     "riktige eller vurderer en protest. Vi lagrer da bare opplysningene og bruker dem bare med samtykket ditt eller "
     "for rettskrav. Du kan be om dette {{routes}}."},
    {kRightPortabilityH, "Rett til dataportabilitet"},
    {kRightPortability,
     "Du kan få utlevert opplysningene du har gitt oss, og opplysningene vi har registrert om bruken din av "
     "tjenestene våre, i et strukturert, alminnelig brukt og maskinlesbart format (JSON og CSV), og få dem overført "
     "direkte til et annet selskap når det er teknisk mulig. Dette gjelder opplysninger vi behandler på grunnlag av "
     "samtykket ditt eller en avtale med deg. Du kan be om dette {{routes}}."},
    {kRightObjectionH, "Rett til å protestere"},
    {kRightObjection,
     "Du kan protestere mot behandling som bygger på vår berettigede interesse, og du kan alltid protestere mot "
     "direkte markedsføring; se «{{section}}» ovenfor. Du kan protestere {{routes}}."},
    {kRightWithdrawH, "Rett til å trekke tilbake samtykke"},
    {kRightWithdraw,
     "Når vi behandler opplysningene dine på grunnlag av samtykket ditt, kan du når som helst trekke det tilbake "
     "{{routes}}; se «{{section}}» ovenfor."},

    {kSecurityDefault,
     "Vi beskytter personopplysninger med tekniske og organisatoriske tiltak som er tilpasset risikoen, for "
     "eksempel tilgangsstyring, kryptering og jevnlig gjennomgang av rutinene våre."},
    {kSecurityRegister,
     "Opplysningene dine lagres i et kunderegister som krypterer dem med en egen nøkkel for hver kunde. Hvert oppslag "
     "i opplysningene dine må oppgi formålet, kontrolleres mot denne erklæringen og registreres i en logg som ikke "
     "kan endres ubemerket. Når opplysningene dine slettes, blir nøkkelen ødelagt, slik at ingen kopi av dem kan "
     "leses lenger, heller ikke i sikkerhetskopier."},
    {kAuthorityLead,
     "Hvis du mener at vi behandler personopplysningene dine i strid med regelverket, har du rett til å klage til "
     "tilsynsmyndigheten. Vi setter pris på om du kontakter oss først, slik at vi kan prøve å rette opp i det."},
    {kAuthorityElsewhere,
     "Du kan også klage til tilsynsmyndigheten i landet i EU/EØS der du bor eller arbeider, eller bringe saken inn "
     "for domstolene."},
    {kVersionGenerated,
     "Denne erklæringen lages fra den samme konfigurasjonen som kunderegisteret vårt håndhever, så den beskriver hva "
     "systemet faktisk gjør. Versjon {{version}} identifiserer denne konfigurasjonen; hvert samtykke du gir, "
     "registreres med versjonen det ble gitt under."},
    {kVersionChanges,
     "Når vi endrer denne erklæringen, publiserer vi den nye versjonen her. Tidligere versjoner tas vare på, slik at "
     "vi alltid kan vise hvilken tekst som gjaldt når."},

    {kProcessorsLead,
     "Denne oversikten viser databehandlerne og de andre mottakerne som kan motta personopplysninger fra {{name}}, "
     "hva de mottar og hvorfor. Den utfyller personvernerklæringen vår: {{link}}."},
    {kProcessorsNone,
     "Vi bruker for tiden ingen databehandlere og utleverer ikke personopplysninger til andre mottakere."},
    {kBackToPolicy, "Personvernerklæring"},

    {kDate, "{{day}}. {{month}} {{year}}"},
    {kMonth1, "januar"},
    {kMonth2, "februar"},
    {kMonth3, "mars"},
    {kMonth4, "april"},
    {kMonth5, "mai"},
    {kMonth6, "juni"},
    {kMonth7, "juli"},
    {kMonth8, "august"},
    {kMonth9, "september"},
    {kMonth10, "oktober"},
    {kMonth11, "november"},
    {kMonth12, "desember"},
};

static_assert(IsCompleteCatalog(kMessages), "catalog_nb.cc must list every message of catalog.h once, in order");

}  // namespace

std::span<const Message> NorwegianMessages() { return kMessages; }

}  // namespace tillit::policy
