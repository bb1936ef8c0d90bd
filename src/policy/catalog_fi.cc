// The Finnish catalog of the generated privacy policy (see catalog.h). Terms follow the Finnish text of the GDPR
// (tietosuoja-asetus): rekisterinpitäjä, henkilötietojen käsittelijä, käsittelyperuste, oikeutettu etu. Sentences
// are built so that names from the configuration stand in the nominative (or as an apposition), because Finnish
// would otherwise have to inflect them.
#include "policy/catalog.h"

namespace tillit::policy {
namespace {

using enum Msg;

constexpr Message kMessages[] = {
    {kTitle, "Tietosuojaseloste"},
    {kProcessorsTitle, "Henkilötietojen käsittelijät ja muut vastaanottajat"},
    {kSkipLink, "Siirry sisältöön"},
    {kContents, "Sisällys"},
    {kVersionLine, "Versio {{version}}, päivätty {{date}}."},
    {kFooter, "{{name}} · versio {{version}}"},
    {kIntroDefault,
     "Tässä tietosuojaselosteessa kerromme, miten {{name}} käsittelee henkilötietoja{{#has_website}}, kun käytät "
     "sivustoa {{website}}{{/has_website}}: mitä tietoja keräämme ja mistä ne saadaan, miksi käytämme niitä ja millä "
     "perusteella, kenelle niitä luovutetaan, kuinka kauan säilytämme niitä ja miten voit käyttää oikeuksiasi."},

    {kHController, "Rekisterinpitäjä ja yhteystiedot"},
    {kHData, "Käsittelemämme henkilötiedot"},
    {kHSources, "Mistä tiedot saadaan"},
    {kHPurposes, "Miksi käsittelemme tietojasi ja millä perusteella"},
    {kHConsent, "Suostumus ja sen peruuttaminen"},
    {kHObjection, "Oikeutesi vastustaa käsittelyä"},
    {kHMarketing, "Markkinointi ja sen kieltäminen"},
    {kHRecipients, "Kenelle tietojasi luovutetaan"},
    {kHRetention, "Kuinka kauan säilytämme tietojasi"},
    {kHCookies, "Evästeet ja kolmansien osapuolten työkalut"},
    {kHRights, "Oikeutesi ja niiden käyttäminen"},
    {kHSecurity, "Miten suojaamme tietojasi"},
    {kHAuthority, "Valitus valvontaviranomaiselle"},
    {kHVersion, "Versio ja muutokset"},

    {kLabelCompany, "Yritys"},
    {kLabelOrgNumber, "Y-tunnus"},
    {kLabelAddress, "Postiosoite"},
    {kLabelEmail, "Sähköposti"},
    {kLabelPhone, "Puhelin"},
    {kLabelWebsite, "Verkkosivusto"},
    {kLabelRegister, "Rekisterin nimi"},
    {kLabelDpo, "Tietosuojavastaava"},
    {kLabelPrivacyEmail, "Tietosuoja-asiat"},
    {kLabelAuthority, "Valvontaviranomainen"},
    {kLabelVersion, "Versio"},
    {kLabelDate, "Päivämäärä"},
    {kLabelRole, "Rooli"},
    {kLabelTask, "Tehtävä"},
    {kLabelCategories, "Luovutettavat tiedot"},
    {kLabelPurposes, "Käyttötarkoitukset"},
    {kLabelCountry, "Maa"},
    {kLabelSafeguard, "Siirtoperuste"},

    {kControllerLead,
     "{{name}}{{#has_trade}} ({{trade}}){{/has_trade}} on tässä selosteessa kuvatun henkilötietojen käsittelyn "
     "rekisterinpitäjä. Se tarkoittaa, että päätämme, miksi ja miten tietojasi käsitellään, ja vastaamme siitä, että "
     "käsittely on lainmukaista."},
    {kControllerContact,
     "Jos sinulla on kysyttävää tästä selosteesta tai siitä, miten käsittelemme tietojasi, kirjoita meille "
     "osoitteeseen {{email}}."},

    {kDataLead, "Käsittelemme sinusta seuraavia henkilötietoja:"},
    {kDataNote,
     "Kukin käyttötarkoitus käyttää vain tarvitsemiaan tietoja; käyttötarkoituksen käyttämät tiedot on lueteltu sen "
     "kohdalla jäljempänä."},
    {kGroupIdentity, "Perustiedot"},
    {kGroupContact, "Yhteystiedot"},
    {kGroupAccount, "Tili- ja profiilitiedot"},
    {kGroupPayment, "Maksutiedot"},
    {kGroupCustomer, "Asiakashistoria ja asiointi"},
    {kGroupActivity, "Käyttö- ja aktiivisuustiedot"},
    {kGroupDevice, "Laitetiedot"},
    {kGroupCommunication, "Viestintä"},
    {kGroupMarketing, "Markkinointivalinnat"},
    {kGroupProfiling, "Päätellyt tiedot"},
    {kGroupOther, "Muut tiedot"},
    {kSourcesDefault,
     "Suurin osa käsittelemistämme henkilötiedoista saadaan suoraan sinulta, esimerkiksi kun luot tilin, teet "
     "tilauksen tai otat meihin yhteyttä. Osa tiedoista syntyy, kun käytät palvelujamme ja tuotteitamme."},
    {kSourcesOther, "Saamme henkilötietoja myös seuraavista lähteistä:"},
    {kSourceItem, "{{source}}: {{categories}}."},

    {kPurposesLead,
     "Käytämme henkilötietojasi vain alla kuvattuihin tarkoituksiin. Jokaisella käyttötarkoituksella on täsmälleen "
     "yksi EU:n yleisen tietosuoja-asetuksen (GDPR) mukainen käsittelyperuste; taulukossa on yhteenveto."},
    {kPurposesCaption, "Käyttötarkoitukset ja käsittelyperusteet"},
    {kColPurpose, "Käyttötarkoitus"},
    {kColBasis, "Käsittelyperuste"},
    {kBasisConsent, "suostumus"},
    {kBasisContract, "sopimus"},
    {kBasisLegalObligation, "lakisääteinen velvoite"},
    {kBasisLegitimateInterest, "oikeutettu etu"},
    {kBasisVitalInterest, "elintärkeät edut"},
    {kBasisPublicTask, "yleistä etua koskeva tehtävä"},
    {kBasisTextConsent,
     "käsittelemme tietojasi tähän tarkoitukseen vain, jos olet antanut suostumuksesi, ja voit peruuttaa sen milloin "
     "tahansa."},
    {kBasisTextContract,
     "käsittely on tarpeen kanssasi tehdyn sopimuksen täyttämiseksi tai pyynnöstäsi ennen sopimuksen tekemistä "
     "toteutettavien toimien vuoksi."},
    {kBasisTextLegalObligation, "laki velvoittaa meidät käsittelemään tietoja."},
    {kBasisTextLegitimateInterest,
     "olemme punninneet käsittelyyn liittyvää etuamme sinun etujesi ja oikeuksiesi kanssa ja todenneet käsittelyn "
     "perustelluksi. Voit vastustaa käsittelyä milloin tahansa."},
    {kBasisTextVitalInterest, "käsittely on tarpeen jonkun hengen tai terveyden suojaamiseksi."},
    {kBasisTextPublicTask, "käsittely on tarpeen yleistä etua koskevan tehtävän suorittamiseksi."},
    {kBasisArticle, "tietosuoja-asetuksen 6 artiklan 1 kohdan {{letter}} alakohta"},
    {kPurposeData, "Käytettävät tiedot"},
    {kPurposeDataAll, "mitä tahansa edellä luetelluista tiedoista siltä osin kuin asia edellyttää"},
    {kPurposeWithdraw, "Voit peruuttaa suostumuksesi {{routes}}."},
    {kPurposeObject, "Voit vastustaa käsittelyä {{routes}}."},
    {kPurposeConsentValidity, "Suostumuksesi on voimassa {{duration}}, minkä jälkeen kysymme sitä uudelleen."},
    {kPurposeRecipients, "Vastaanottajat"},
    {kPurposeNoDescription, "Käytämme tähän tarkoitukseen alla lueteltuja tietoja."},
    {kStdContract, "Tilausten toimittaminen"},
    {kStdCustomerService, "Asiakaspalvelu"},
    {kStdAnalytics, "Analytiikka ja palvelujen kehittäminen"},
    {kStdPersonalisation, "Yksilöllinen käyttökokemus"},
    {kStdMarketing, "Markkinointi"},
    {kStdProfiling, "Profilointi osuvampaa markkinointia varten"},
    {kStdMonitoring, "Järjestelmien valvonta ja virheiden korjaaminen"},
    {kStdSecurity, "Tietoturva ja petosten torjunta"},
    {kStdAccounting, "Kirjanpito ja muut lakisääteiset velvoitteet"},
    {kStdContractText, "Käytämme tietojasi kanssasi tehdyn sopimuksen täyttämiseen, kun tilaat tuotteen tai palvelun."},
    {kStdCustomerServiceText,
     "Käytämme tietojasi palvellaksemme sinua asiakkaana, esimerkiksi vastataksemme kysymyksiin ja käsitelläksemme "
     "reklamaatioita."},
    {kStdAnalyticsText, "Analysoimme palvelujemme käyttöä kehittääksemme ja parantaaksemme niitä."},
    {kStdPersonalisationText, "Mukautamme palvelumme ja viestintämme asiakassuhteeseesi."},
    {kStdMarketingText, "Käytämme tietojasi kertoaksemme sinulle tuotteistamme ja palveluistamme."},
    {kStdProfilingText,
     "Päättelemme tiedoistasi kiinnostuksen kohteitasi ja tarpeitasi, jotta markkinointimme olisi osuvampaa."},
    {kStdMonitoringText,
     "Valvomme järjestelmiämme virheiden ja ongelmien varalta, ja siihen liittyy jonkin verran henkilötietoja."},
    {kStdSecurityText,
     "Käytämme tietoja suojataksemme käyttäjiämme ja itseämme petoksilta, väärinkäytöksiltä ja rikoksilta."},
    {kStdAccountingText,
     "Laki velvoittaa meidät säilyttämään kirjanpitoaineiston, esimerkiksi myyntiä koskevat tiedot."},

    {kRoutePortalUrl, "itsepalvelusivullasi {{link}}"},
    {kRoutePortal, "hallitsemalla suostumuksiasi ja kieltojasi asiakastililläsi"},
    {kRouteEmail, "sähköpostitse osoitteeseen {{email}}"},
    {kRouteLink, "jokaisessa lähettämässämme viestissä olevalla peruutuslinkillä"},
    {kRoutePhoneNumber, "puhelimitse numeroon {{phone}}"},
    {kRoutePhone, "soittamalla asiakaspalveluumme"},
    {kRouteStaff, "ottamalla yhteyttä asiakaspalveluumme"},
    {kOr, "tai"},
    {kAnd, "ja"},

    {kConsentLead,
     "Osa käsittelystämme perustuu suostumukseesi. Suostumuksen antaminen on vapaaehtoista, eikä kieltäytymisellä ole "
     "muuta seurausta kuin se, ettemme tee kyseistä käsittelyä. Voit peruuttaa suostumuksen milloin tahansa yhtä "
     "helposti kuin annoit sen; peruutus on voimassa siitä lähtien, eikä se vaikuta aiemmin tapahtuneeseen "
     "käsittelyyn."},
    {kConsentList, "Seuraavat käyttötarkoitukset perustuvat suostumukseesi:"},
    {kConsentItem, "{{purpose}}: voit peruuttaa suostumuksesi {{routes}}."},
    {kConsentRenewal,
     "Jos muutamme suostumukseen perustuvaa käyttötarkoitusta olennaisesti, aiempi suostumuksesi ei ole enää "
     "voimassa, ja kysymme sitä uudelleen. Valmiiksi rastitetut ruudut, vaikeneminen tai bannerin sulkeminen eivät "
     "koskaan ole suostumus."},
    {kObjectionLead,
     "Kun käsittelemme tietojasi oikeutetun etumme perusteella, sinulla on oikeus vastustaa käsittelyä erityiseen "
     "tilanteeseesi liittyvällä perusteella (tietosuoja-asetuksen 21 artikla). Lopetamme silloin tietojesi kyseisen "
     "käsittelyn, paitsi jos voimme osoittaa, että käsittelyyn on huomattavan tärkeä ja perusteltu syy, joka "
     "syrjäyttää etusi, tai tarvitsemme tietoja oikeusvaateen laatimiseen, esittämiseen tai puolustamiseen. Jos "
     "jatkamme käsittelyä, kerromme syyn."},
    {kObjectionMarketing,
     "Voit aina vastustaa suoramarkkinointia, myös siihen liittyvää profilointia. Lopetamme silloin heti, eikä sinun "
     "tarvitse perustella vastustustasi."},
    {kObjectionList, "Voit vastustaa seuraavia käyttötarkoituksia:"},
    {kObjectionItem, "{{purpose}}: voit vastustaa käsittelyä {{routes}}."},

    {kChannelEmail, "sähköpostitse"},
    {kChannelSms, "tekstiviestillä"},
    {kChannelPhone, "puhelimitse"},
    {kChannelPost, "osoitteellisella postilla"},
    {kMarketingLead, "Voimme markkinoida sinulle {{channels}}."},
    {kMarketingItemConsent, "{{purpose}} ({{channels}}): vain suostumuksellasi."},
    {kMarketingItemLegitimate,
     "{{purpose}} ({{channels}}): oikeutetun etumme perusteella; voit kieltää sen milloin tahansa."},
    {kMarketingExistingCustomers,
     "Jos olet jo asiakkaamme, voimme lähettää sinulle sähköpostia ja tekstiviestejä omista tuotteistamme ja "
     "palveluistamme, jotka ovat samankaltaisia kuin ostamasi, pyytämättä ensin suostumusta. Voit kieltää tämän, kun "
     "keräämme yhteystietosi, ja jokaisessa lähettämässämme viestissä."},
    {kMarketingOptOutEmail,
     "Voit kieltää markkinoinnin lähettämällä sähköpostia osoitteeseen {{email}}{{#has_subject}} aiherivillä "
     "”{{subject}}”{{/has_subject}}."},
    {kMarketingRegisters,
     "Ennen kuin soitamme sinulle tai lähetämme sinulle osoitteellista mainontaa, tarkistamme seuraavat "
     "kieltorekisterit: {{registers}}. Jos olet ilmoittautunut kieltorekisteriin, emme ota sinuun yhteyttä sillä "
     "tavalla{{#exempt}}, ellet jo ole asiakkaamme{{/exempt}}."},
    {kMarketingProhibition,
     "Voit kieltää meitä käyttämästä tietojasi suoramarkkinointiin, etämyyntiin, markkinatutkimuksiin ja "
     "mielipidetutkimuksiin. Kirjaamme kieltosi kieltokoodina ja noudatamme sitä jokaisessa lähetyksessä."},
    {kMarketingSuppression,
     "Jos pyydät meitä poistamaan tietosi, säilytämme sähköpostiosoitteestasi vain yksisuuntaisen tunnisteen, jotta "
     "sinua ei vahingossa lisätä uudelleen markkinointilistalle."},

    {kRecipientsLead,
     "Luovutamme henkilötietoja vain, kun se on tarpeen edellä kuvattuja käyttötarkoituksia varten. Henkilötietojen "
     "käsittelijät käsittelevät tietoja puolestamme tietojenkäsittelysopimuksen mukaisesti eivätkä saa käyttää niitä "
     "omiin tarkoituksiinsa. Itsenäiset rekisterinpitäjät vastaavat itse siitä, miten ne käsittelevät saamiaan "
     "tietoja."},
    {kRecipientsCaption, "Henkilötietojen vastaanottajat"},
    {kColRecipient, "Vastaanottaja"},
    {kColRole, "Rooli"},
    {kColTask, "Tehtävä"},
    {kColCountry, "Maa"},
    {kColSafeguard, "Siirtoperuste"},
    {kRoleProcessor, "Henkilötietojen käsittelijä"},
    {kRoleController, "Itsenäinen rekisterinpitäjä"},
    {kRoleThirdParty, "Kolmas osapuoli"},
    {kServicePayment, "Maksaminen"},
    {kServiceDelivery, "Toimitus"},
    {kServiceHosting, "Palvelinpalvelut"},
    {kServiceAnalytics, "Analytiikka"},
    {kServiceAdvertising, "Mainonta"},
    {kServiceChat, "Chat"},
    {kServiceEmail, "Sähköposti"},
    {kServiceReviews, "Arvostelut"},
    {kServiceWebsite, "Verkkosivusto"},
    {kServiceAccounting, "Kirjanpito"},
    {kServiceIdentity, "Tunnistaminen"},
    {kServiceSupport, "Tuki"},
    {kServiceMarketing, "Markkinointi"},
    {kServiceOther, "Muut palvelut"},
    {kSafeguardNone, "Ei tarpeen (EU:n/ETA:n sisällä)"},
    {kSafeguardAdequacy, "Komission päätös tietosuojan riittävyydestä (45 artikla)"},
    {kSafeguardDpf, "EU:n ja Yhdysvaltojen tietosuojakehys (päätös tietosuojan riittävyydestä, 45 artikla)"},
    {kSafeguardScc, "EU:n vakiosopimuslausekkeet (46 artikla)"},
    {kSafeguardBcr, "Yritystä koskevat sitovat säännöt (47 artikla)"},
    {kSafeguardDerogation, "Erityistilanteita koskeva poikkeus (49 artikla)"},
    {kRecipientsTransfers,
     "Osa vastaanottajista on EU:n/ETA:n ulkopuolella. Siirrämme niille henkilötietoja vain taulukossa mainitulla "
     "siirtoperusteella, ja voit pyytää siitä meiltä jäljennöksen."},
    {kRecipientsNone, "Emme luovuta henkilötietojasi muille yrityksille."},
    {kRecipientsOverview,
     "Luettelo henkilötietojen käsittelijöistämme sekä siitä, mitä tietoja kukin saa ja miksi, on osoitteessa "
     "{{link}}."},

    {kRetentionLead,
     "Säilytämme henkilötietoja vain niin kauan kuin tarvitsemme niitä siihen tarkoitukseen, jota varten ne "
     "kerättiin. Kun alla mainittu aika on kulunut, asiakasrekisterimme poistaa tiedot automaattisesti."},
    {kRetentionCaption, "Säilytysajat"},
    {kColData, "Tiedot"},
    {kColPeriod, "Kuinka kauan säilytämme"},
    {kColWhy, "Miksi"},
    {kAnchorCollected, "keräämisestä"},
    {kAnchorLastActivity, "viimeisestä asioinnistasi"},
    {kAnchorAgreementEnd, "sopimuksen päättymisestä"},
    {kAnchorFiscalYearEnd, "tilikauden päättymisestä"},
    {kAnchorCalendarYearEndAfterFy, "sen kalenterivuoden päättymisestä, jona tilikausi päättyi"},
    {kAnchorErased, "tietojesi poistamisesta"},
    {kRetentionPeriod, "{{duration}} {{anchor}}"},
    {kDurationYear, "1 vuosi"},
    {kDurationYears, "{{n}} vuotta"},
    {kDurationMonth, "1 kuukausi"},
    {kDurationMonths, "{{n}} kuukautta"},
    {kDurationDay, "1 päivä"},
    {kDurationDays, "{{n}} päivää"},
    {kRetentionAccounting,
     "Kirjanpitoaineistoa säilytetään niin kauan kuin {{law}} edellyttää{{#has_years}} ({{years}}){{/has_years}}, "
     "vaikka pyytäisit tietojesi poistamista. Siihen asti aineisto pidetään erillään ja sitä käytetään vain "
     "kirjanpitoon, minkä jälkeen se poistetaan."},
    {kAccountingYearsSplit, "kirjanpito {{books}} ja tositteet {{vouchers}}"},
    {kRetentionAccountingReason, "Lakisääteinen velvoite: {{law}}."},
    {kRetentionDefaultReason, "Tarpeen edellä kuvattuja käyttötarkoituksia varten."},
    {kRetentionOther,
     "Tietoja, joita taulukossa ei mainita, säilytetään vain niin kauan kuin edellä kuvatut käyttötarkoitukset "
     "edellyttävät."},
    {kLawGeneric, "meitä koskeva kirjanpitolainsäädäntö"},
    {kKindOrder, "Tilaukset"},
    {kKindPayment, "Maksut"},
    {kKindDelivery, "Toimitukset"},
    {kKindCartEvent, "Ostoskorin tapahtumat"},
    {kKindDiscountUse, "Käytetyt alennuskoodit"},
    {kKindLoyalty, "Kanta-asiakasohjelma"},
    {kKindAgreement, "Tuotteet ja sopimukset"},
    {kKindUsage, "Tuotteiden ja palvelujen käyttö"},
    {kKindActivity, "Käyttöhistoria"},
    {kKindDevice, "Laitetiedot"},
    {kKindMessage, "Viestit"},

    {kCookiesLead,
     "Verkkosivustomme käyttää evästeitä ja vastaavia tekniikoita. Sivuston toiminnan kannalta välttämättömät "
     "evästeet ovat aina käytössä; muut ladataan vain, jos annat suostumuksesi, ja voit muuttaa valintaasi milloin "
     "tahansa sivustomme evästeasetuksissa."},
    {kCookiesCaption, "Evästeet ja kolmansien osapuolten työkalut"},
    {kColTool, "Työkalu"},
    {kColProvider, "Palveluntarjoaja"},
    {kColType, "Tyyppi"},
    {kColWhat, "Mitä se tekee"},
    {kColLifetime, "Voimassaoloaika"},
    {kColWithoutConsent, "Ilman suostumustasi"},
    {kCookieNecessary, "Välttämätön"},
    {kCookiePreferences, "Asetukset"},
    {kCookieStatistics, "Tilastointi"},
    {kCookieMarketing, "Markkinointi"},
    {kWithoutNotLoaded, "Ei ladata"},
    {kWithoutAnonymised, "Tallentaa vain anonymisoituja tietoja"},
    {kWithoutEssential, "Aina käytössä: välttämätön sivuston toiminnalle"},
    {kCookiesBanner,
     "Evästeasetuksissa tekemäsi valinta koskee vain evästeitä ja vastaavia työkaluja. Sitä ei koskaan pidetä "
     "suostumuksena muuhun tässä selosteessa kuvattuun käsittelyyn."},

    {kRightsLead,
     "Sinulla on alla kuvatut oikeudet. Niiden käyttäminen on maksutonta. Vastaamme kuukauden kuluessa pyyntösi "
     "vastaanottamisesta. Jos pyyntö on monimutkainen tai pyyntöjä on paljon, voimme jatkaa määräaikaa enintään "
     "kahdella kuukaudella; kerromme silloin syyn ensimmäisen kuukauden aikana."},
    {kRightsIdentity,
     "Ennen kuin luovutamme tai muutamme tietoja, varmistamme, että pyyntö tulee sinulta, kertakäyttöisellä "
     "koodilla, jonka lähetämme rekisteröimiimme yhteystietoihisi."},
    {kRightsRejected,
     "Jos emme voi toteuttaa pyyntöä, kerromme syyn sekä sen, että voit tehdä valituksen valvontaviranomaiselle ja "
     "saattaa asian tuomioistuimen käsiteltäväksi."},
    {kRightAccessH, "Oikeus tarkastaa tietosi"},
    {kRightAccess,
     "Voit saada tietää, käsittelemmekö sinua koskevia henkilötietoja, ja saada niistä jäljennöksen sekä tiedot "
     "käsittelyn tarkoituksista, käsittelyperusteista, vastaanottajista, säilytysajoista ja tietolähteistä. Voit "
     "pyytää tätä {{routes}}."},
    {kRightRectificationH, "Oikeus tietojen oikaisemiseen"},
    {kRightRectification,
     "Jos sinua koskevat tiedot ovat virheellisiä tai puutteellisia, voit saada ne oikaistuiksi tai täydennetyiksi. "
     "Voit pyytää tätä {{routes}}."},
    {kRightErasureH, "Oikeus tietojen poistamiseen"},
    {kRightErasure,
     "Voit pyytää meitä poistamaan henkilötietosi esimerkiksi silloin, kun emme enää tarvitse niitä tai kun peruutat "
     "suostumuksen, johon käsittely perustui. Poistamme tiedot silloin ilman aiheetonta viivytystä ja ilmoitamme "
     "asiasta vastaanottajille, joille olemme niitä luovuttaneet. Voit pyytää tätä {{routes}}."},
    {kRightErasureAccounting,
     "Tietoja, jotka {{law}} velvoittaa meidät säilyttämään, kuten kirjanpitoaineistoa, ei poisteta ennen kuin "
     "säilytysaika on päättynyt; siihen asti niitä käytetään vain kirjanpitoon."},
    {kRightRestrictionH, "Oikeus käsittelyn rajoittamiseen"},
    {kRightRestriction,
     "Voit pyytää meitä rajoittamaan tietojesi käsittelyä esimerkiksi sillä aikaa, kun tarkistamme tietojen "
     "paikkansapitävyyttä tai arvioimme vastustustasi. Silloin vain säilytämme tietoja ja käytämme niitä ainoastaan "
     "suostumuksellasi tai oikeusvaateita varten. Voit pyytää tätä {{routes}}."},
    {kRightPortabilityH, "Oikeus siirtää tiedot järjestelmästä toiseen"},
    {kRightPortability,
     "Voit saada meille antamasi tiedot sekä tiedot, jotka olemme kirjanneet palvelujemme käytöstäsi, jäsennellyssä, "
     "yleisesti käytetyssä ja koneellisesti luettavassa muodossa (JSON ja CSV), ja pyytää siirtämään ne suoraan "
     "toiselle yritykselle, jos se on teknisesti mahdollista. Tämä koskee tietoja, joita käsittelemme suostumuksesi "
     "tai kanssasi tehdyn sopimuksen perusteella. Voit pyytää tätä {{routes}}."},
    {kRightObjectionH, "Oikeus vastustaa käsittelyä"},
    {kRightObjection,
     "Voit vastustaa käsittelyä, joka perustuu oikeutettuun etuumme, ja voit aina vastustaa suoramarkkinointia; katso "
     "kohta ”{{section}}” edellä. Voit vastustaa käsittelyä {{routes}}."},
    {kRightWithdrawH, "Oikeus peruuttaa suostumus"},
    {kRightWithdraw,
     "Kun käsittelemme tietojasi suostumuksesi perusteella, voit peruuttaa sen milloin tahansa {{routes}}; katso "
     "kohta ”{{section}}” edellä."},

    {kSecurityDefault,
     "Suojaamme henkilötietoja riskiin nähden asianmukaisin teknisin ja organisatorisin toimenpitein, kuten "
     "käyttöoikeuksien hallinnalla, salauksella ja käytäntöjemme säännöllisellä tarkastamisella."},
    {kSecurityRegister,
     "Tietosi säilytetään asiakasrekisterissä, joka salaa ne kullekin asiakkaalle omalla avaimellaan. Jokaisessa "
     "tietojesi haussa on ilmoitettava käyttötarkoitus; haku tarkistetaan tätä selostetta vasten ja kirjataan "
     "lokiin, jota ei voi muuttaa huomaamatta. Kun tietosi poistetaan, avain tuhotaan, jolloin mitään tietojesi "
     "kopiota ei voi enää lukea, ei edes varmuuskopioista."},
    {kAuthorityLead,
     "Jos katsot, että käsittelemme henkilötietojasi sääntöjen vastaisesti, sinulla on oikeus tehdä valitus "
     "valvontaviranomaiselle. Toivomme, että otat ensin yhteyttä meihin, jotta voimme yrittää korjata asian."},
    {kAuthorityElsewhere,
     "Voit myös tehdä valituksen sen EU- tai ETA-maan valvontaviranomaiselle, jossa asut tai työskentelet, tai "
     "saattaa asian tuomioistuimen käsiteltäväksi."},
    {kVersionGenerated,
     "Tämä seloste luodaan samasta määrityksestä, jota asiakasrekisterimme noudattaa, joten se kuvaa, mitä "
     "järjestelmä todella tekee. Versio {{version}} yksilöi tämän määrityksen; jokaiseen antamaasi suostumukseen "
     "kirjataan versio, jonka aikana se annettiin."},
    {kVersionChanges,
     "Kun muutamme tätä selostetta, julkaisemme uuden version tällä sivulla. Aiemmat versiot säilytetään, joten "
     "voimme aina osoittaa, mikä teksti oli voimassa milloinkin."},

    {kProcessorsLead,
     "Tässä luettelossa ovat henkilötietojen käsittelijät ja muut vastaanottajat, jotka voivat saada henkilötietoja "
     "rekisterinpitäjältä {{name}}, sekä se, mitä tietoja ne saavat ja miksi. Luettelo täydentää "
     "tietosuojaselostettamme: {{link}}."},
    {kProcessorsNone,
     "Emme tällä hetkellä käytä henkilötietojen käsittelijöitä emmekä luovuta henkilötietoja muille "
     "vastaanottajille."},
    {kBackToPolicy, "Tietosuojaseloste"},

    {kDate, "{{day}}.{{mnum}}.{{year}}"},
    {kMonth1, "tammikuu"},
    {kMonth2, "helmikuu"},
    {kMonth3, "maaliskuu"},
    {kMonth4, "huhtikuu"},
    {kMonth5, "toukokuu"},
    {kMonth6, "kesäkuu"},
    {kMonth7, "heinäkuu"},
    {kMonth8, "elokuu"},
    {kMonth9, "syyskuu"},
    {kMonth10, "lokakuu"},
    {kMonth11, "marraskuu"},
    {kMonth12, "joulukuu"},
};

static_assert(IsCompleteCatalog(kMessages), "catalog_fi.cc must list every message of catalog.h once, in order");

}  // namespace

std::span<const Message> FinnishMessages() { return kMessages; }

}  // namespace tillit::policy
