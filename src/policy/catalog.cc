#include "policy/catalog.h"

#include <array>

namespace tillit::policy {
namespace {

constexpr std::string_view kMessageNames[] = {
#define TILLIT_POLICY_MSG_NAME(name) #name,
    TILLIT_POLICY_MESSAGES(TILLIT_POLICY_MSG_NAME)
#undef TILLIT_POLICY_MSG_NAME
};
static_assert(std::size(kMessageNames) == kMessageCount);

struct CountryNames {
  std::string_view code, en, sv, nb, fi;
};

// The EEA, and the countries processors are most often found in. Others show as their ISO code.
constexpr CountryNames kCountries[] = {
    {"AD", "Andorra", "Andorra", "Andorra", "Andorra"},
    {"AR", "Argentina", "Argentina", "Argentina", "Argentiina"},
    {"AT", "Austria", "Österrike", "Østerrike", "Itävalta"},
    {"AU", "Australia", "Australien", "Australia", "Australia"},
    {"BE", "Belgium", "Belgien", "Belgia", "Belgia"},
    {"BG", "Bulgaria", "Bulgarien", "Bulgaria", "Bulgaria"},
    {"BR", "Brazil", "Brasilien", "Brasil", "Brasilia"},
    {"CA", "Canada", "Kanada", "Canada", "Kanada"},
    {"CH", "Switzerland", "Schweiz", "Sveits", "Sveitsi"},
    {"CN", "China", "Kina", "Kina", "Kiina"},
    {"CY", "Cyprus", "Cypern", "Kypros", "Kypros"},
    {"CZ", "Czechia", "Tjeckien", "Tsjekkia", "Tšekki"},
    {"DE", "Germany", "Tyskland", "Tyskland", "Saksa"},
    {"DK", "Denmark", "Danmark", "Danmark", "Tanska"},
    {"EE", "Estonia", "Estland", "Estland", "Viro"},
    {"ES", "Spain", "Spanien", "Spania", "Espanja"},
    {"FI", "Finland", "Finland", "Finland", "Suomi"},
    {"FO", "Faroe Islands", "Färöarna", "Færøyene", "Färsaaret"},
    {"FR", "France", "Frankrike", "Frankrike", "Ranska"},
    {"GB", "United Kingdom", "Storbritannien", "Storbritannia", "Yhdistynyt kuningaskunta"},
    {"GG", "Guernsey", "Guernsey", "Guernsey", "Guernsey"},
    {"GR", "Greece", "Grekland", "Hellas", "Kreikka"},
    {"HR", "Croatia", "Kroatien", "Kroatia", "Kroatia"},
    {"HU", "Hungary", "Ungern", "Ungarn", "Unkari"},
    {"IE", "Ireland", "Irland", "Irland", "Irlanti"},
    {"IL", "Israel", "Israel", "Israel", "Israel"},
    {"IM", "Isle of Man", "Isle of Man", "Man", "Mansaari"},
    {"IN", "India", "Indien", "India", "Intia"},
    {"IS", "Iceland", "Island", "Island", "Islanti"},
    {"IT", "Italy", "Italien", "Italia", "Italia"},
    {"JE", "Jersey", "Jersey", "Jersey", "Jersey"},
    {"JP", "Japan", "Japan", "Japan", "Japani"},
    {"KR", "South Korea", "Sydkorea", "Sør-Korea", "Etelä-Korea"},
    {"LI", "Liechtenstein", "Liechtenstein", "Liechtenstein", "Liechtenstein"},
    {"LT", "Lithuania", "Litauen", "Litauen", "Liettua"},
    {"LU", "Luxembourg", "Luxemburg", "Luxembourg", "Luxemburg"},
    {"LV", "Latvia", "Lettland", "Latvia", "Latvia"},
    {"MT", "Malta", "Malta", "Malta", "Malta"},
    {"NL", "Netherlands", "Nederländerna", "Nederland", "Alankomaat"},
    {"NO", "Norway", "Norge", "Norge", "Norja"},
    {"NZ", "New Zealand", "Nya Zeeland", "New Zealand", "Uusi-Seelanti"},
    {"PL", "Poland", "Polen", "Polen", "Puola"},
    {"PT", "Portugal", "Portugal", "Portugal", "Portugali"},
    {"RO", "Romania", "Rumänien", "Romania", "Romania"},
    {"SE", "Sweden", "Sverige", "Sverige", "Ruotsi"},
    {"SG", "Singapore", "Singapore", "Singapore", "Singapore"},
    {"SI", "Slovenia", "Slovenien", "Slovenia", "Slovenia"},
    {"SK", "Slovakia", "Slovakien", "Slovakia", "Slovakia"},
    {"UA", "Ukraine", "Ukraina", "Ukraina", "Ukraina"},
    {"US", "United States", "USA", "USA", "Yhdysvallat"},
    {"UY", "Uruguay", "Uruguay", "Uruguay", "Uruguay"},
};

// The bookkeeping laws of the countries in config/countries.h, as readers of each language name them.
constexpr CountryNames kLaws[] = {
    {"NO", "the Norwegian Bookkeeping Act (bokføringsloven)", "den norska bokföringslagen (bokføringsloven)",
     "bokføringsloven", "Norjan kirjanpitolaki (bokføringsloven)"},
    {"SE", "the Swedish Bookkeeping Act (bokföringslagen)", "bokföringslagen",
     "den svenske bokføringsloven (bokföringslagen)", "Ruotsin kirjanpitolaki (bokföringslagen)"},
    {"FI", "the Finnish Accounting Act (kirjanpitolaki)", "den finländska bokföringslagen (kirjanpitolaki)",
     "den finske regnskapsloven (kirjanpitolaki)", "kirjanpitolaki"},
    {"DK", "the Danish Bookkeeping Act (bogføringsloven)", "den danska bokföringslagen (bogføringsloven)",
     "den danske bokføringsloven (bogføringsloven)", "Tanskan kirjanpitolaki (bogføringsloven)"},
};

std::string_view InLanguage(const CountryNames& n, std::string_view lang) {
  if (lang == "sv") return n.sv;
  if (lang == "nb") return n.nb;
  if (lang == "fi") return n.fi;
  return n.en;
}

template <size_t N>
const CountryNames* FindByCode(const CountryNames (&table)[N], std::string_view code) {
  for (const auto& n : table) {
    if (n.code == code) return &n;
  }
  return nullptr;
}

}  // namespace

const Catalog* FindCatalog(std::string_view lang) {
  static const std::array<Catalog, 4> catalogs = {Catalog("en", EnglishMessages()), Catalog("sv", SwedishMessages()),
                                                  Catalog("nb", NorwegianMessages()), Catalog("fi", FinnishMessages())};
  for (const auto& c : catalogs) {
    if (c.lang() == lang) return &c;
  }
  return nullptr;
}

std::string_view MessageName(Msg id) {
  const auto i = static_cast<size_t>(id);
  return i < kMessageCount ? kMessageNames[i] : "unknown";
}

std::string_view CountryName(std::string_view code, std::string_view lang) {
  const CountryNames* n = FindByCode(kCountries, code);
  return n != nullptr ? InLanguage(*n, lang) : code;
}

std::string_view BookkeepingLawName(std::string_view country, std::string_view lang) {
  const CountryNames* n = FindByCode(kLaws, country);
  return n != nullptr ? InLanguage(*n, lang) : std::string_view();
}

}  // namespace tillit::policy
