// Country facts tillit needs: whether a country is in the EEA (transfers outside need a safeguard), its data
// protection authority, its time zone, the statutory bookkeeping retention minimum, and its national opt-out
// registers for telemarketing and addressed advertising.
//
// Thread safety: immutable static data.
#ifndef TILLIT_CONFIG_COUNTRIES_H_
#define TILLIT_CONFIG_COUNTRIES_H_

#include <string_view>
#include <vector>

namespace tillit::config {

struct RegisterDefaults {
  std::string_view id;        // "reservasjonsregisteret"
  std::string_view name;      // "Reservasjonsregisteret"
  std::string_view channels;  // "phone,post"
  int max_age_months;         // a copy older than this must not be used
  bool existing_customers_exempt;
};

struct CountryInfo {
  std::string_view code;
  std::string_view time_zone;
  std::string_view authority_name;
  std::string_view authority_address;
  std::string_view authority_website;
  std::string_view authority_email;
  // Statutory minimum retention of accounting material in years; 0 where tillit knows no rule.
  int accounting_books_years;
  int accounting_vouchers_years;
  std::string_view bookkeeping_law;  // "bokføringsloven", "bokföringslagen", "kirjanpitolaki"
  std::vector<RegisterDefaults> registers;
};

// nullptr when tillit has no country profile for `code` (the country may still be valid).
const CountryInfo* FindCountry(std::string_view code);

// True iff `code` is an EU, Iceland, Liechtenstein or Norway ISO code.
bool IsEea(std::string_view code);

// True iff `code` is an assigned ISO 3166-1 alpha-2 code (upper case).
bool IsKnownCountryCode(std::string_view code);

const RegisterDefaults* FindRegister(std::string_view id);

}  // namespace tillit::config

#endif  // TILLIT_CONFIG_COUNTRIES_H_
