#include "config/countries.h"

#include <algorithm>
#include <array>

namespace tillit::config {
namespace {

const std::vector<CountryInfo>& Countries() {
  static const std::vector<CountryInfo> countries = {
      {"NO",
       "Europe/Oslo",
       "Datatilsynet",
       "Postboks 458 Sentrum, 0105 Oslo",
       "https://www.datatilsynet.no",
       "postkasse@datatilsynet.no",
       5,
       5,
       "bokføringsloven",
       {{"reservasjonsregisteret", "Reservasjonsregisteret", "phone,post", 1, true,
         "markedsføringsloven §12: check the register at most one month before contacting; existing customer "
         "relationships are exempt"}},
       {true, "markedsføringsloven §15"}},
      {"SE",
       "Europe/Stockholm",
       "Integritetsskyddsmyndigheten (IMY)",
       "Box 8114, 104 20 Stockholm",
       "https://www.imy.se",
       "imy@imy.se",
       7,
       7,
       "bokföringslagen",
       {{"nix_telefon", "NIX-Telefon", "phone", 2, true,
         "NIX-Telefon agreement: a copy at most two months old; established customer relationships are exempt"},
        {"nix_adresserat", "NIX-Adresserat", "post", 3, true,
         "NIX-Adresserat agreement: a copy at most three months old; established customer relationships are exempt"}},
       {true, "marknadsföringslagen 19 §"}},
      {"FI",
       "Europe/Helsinki",
       "Tietosuojavaltuutetun toimisto",
       "PL 800, 00531 Helsinki",
       "https://tietosuoja.fi",
       "tietosuoja@om.fi",
       10,
       6,
       "kirjanpitolaki",
       {{"asml", "ASML:n suoramarkkinoinnin kieltorekisteri", "phone,post", 2, true,
         "ASML Robinson service (self-regulation): the register is updated monthly and members must use a current "
         "copy; tillit allows two months, one missed update; customers of the marketer are exempt"}},
       {true, "tietoyhteiskuntakaari 200 §"}},
      {"DK",
       "Europe/Copenhagen",
       "Datatilsynet",
       "Carl Jacobsens Vej 35, 2500 Valby",
       "https://www.datatilsynet.dk",
       "dt@datatilsynet.dk",
       5,
       5,
       "bogføringsloven",
       {},
       {true, "markedsføringsloven §10"}},
  };
  return countries;
}

constexpr std::array<std::string_view, 30> kEea = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
                                                   "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU",
                                                   "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"};

// ISO 3166-1 alpha-2, officially assigned codes.
constexpr std::string_view kIsoCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO "
    "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE "
    "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO "
    "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW "
    "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM "
    "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

}  // namespace

const CountryInfo* FindCountry(std::string_view code) {
  for (const auto& c : Countries()) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

bool IsEea(std::string_view code) { return std::find(kEea.begin(), kEea.end(), code) != kEea.end(); }

bool IsKnownCountryCode(std::string_view code) {
  if (code.size() != 2) return false;
  for (size_t i = 0; i + 2 <= kIsoCodes.size(); i += 3) {
    if (kIsoCodes.substr(i, 2) == code) return true;
  }
  return false;
}

const CountryInfo* CountryOfRegister(std::string_view id) {
  for (const auto& c : Countries()) {
    for (const auto& r : c.registers) {
      if (r.id == id) return &c;
    }
  }
  return nullptr;
}

std::vector<std::string_view> KnownCountryCodes() {
  std::vector<std::string_view> codes;
  for (size_t i = 0; i + 2 <= kIsoCodes.size(); i += 3) codes.push_back(kIsoCodes.substr(i, 2));
  return codes;
}

bool AllowsExistingCustomerException(std::string_view country) {
  if (const CountryInfo* c = FindCountry(country)) return c->marketing.email_sms_existing_customer;
  return IsEea(country);
}

const RegisterDefaults* FindRegister(std::string_view id) {
  for (const auto& c : Countries()) {
    for (const auto& r : c.registers) {
      if (r.id == id) return &r;
    }
  }
  return nullptr;
}

}  // namespace tillit::config
