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

// A national opt-out register for telemarketing and addressed advertising. A subject it lists may not be reached
// over its channels for direct marketing, except where `existing_customers_exempt` and the subject is an existing
// customer, or the subject consented to it; a copy older than `max_age_months` may not be used at all.
struct RegisterDefaults {
  std::string_view id;        // "reservasjonsregisteret"
  std::string_view name;      // "Reservasjonsregisteret"
  std::string_view channels;  // "phone,post"
  int max_age_months;         // a copy older than this must not be used
  bool existing_customers_exempt;
  std::string_view basis;  // the rule it comes from, for the documentation and `tillit suppress import`
};

// Direct-marketing rules of a country that decisions apply to its residents.
struct MarketingRules {
  // E-mail and SMS marketing without consent to existing customers (ePrivacy Directive Art. 13(2) as the country
  // implements it): contact details collected in connection with a sale, for the controller's own similar products,
  // with the right to refuse offered at collection and in every message.
  bool email_sms_existing_customer;
  std::string_view email_sms_law;
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
  MarketingRules marketing;
};

// nullptr when tillit has no country profile for `code` (the country may still be valid).
const CountryInfo* FindCountry(std::string_view code);

// True iff `code` is an EU, Iceland, Liechtenstein or Norway ISO code.
bool IsEea(std::string_view code);

// True iff `code` is an assigned ISO 3166-1 alpha-2 code (upper case).
bool IsKnownCountryCode(std::string_view code);

const RegisterDefaults* FindRegister(std::string_view id);
// The country whose register `id` is; nullptr for an unknown register.
const CountryInfo* CountryOfRegister(std::string_view id);

// Every assigned ISO 3166-1 alpha-2 code.
std::vector<std::string_view> KnownCountryCodes();

// Whether e-mail/SMS marketing to existing customers without consent is lawful for residents of `country`: the
// country's rule where tillit has a profile, otherwise true inside the EEA (Art. 13(2) binds every member) and
// false outside it (tillit knows no rule there, so it asks for consent).
bool AllowsExistingCustomerException(std::string_view country);

}  // namespace tillit::config

#endif  // TILLIT_CONFIG_COUNTRIES_H_
