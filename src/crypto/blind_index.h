// Blind indexes: how tillit finds a subject by e-mail, phone or customer number without storing those in clear. The
// value is first normalised (so " Ola@Example.NO" and "ola@example.no" meet), then hashed with keyed BLAKE2b under a
// subkey of the installation's blind-index root key; one subkey per IndexKind, so an e-mail's index cannot be matched
// against a phone's, nor against the suppression list that keeps an erased person off marketing lists. Without the
// root key an index reveals nothing and cannot be recomputed from a guess. E-mail and customer number are unique, a
// phone number may be shared by several subjects.
//
// Thread safety: the Normalise* functions and a constructed BlindIndexer's Index are safe from any thread.
#ifndef TILLIT_CRYPTO_BLIND_INDEX_H_
#define TILLIT_CRYPTO_BLIND_INDEX_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secure_key.h"
#include "util/status.h"

namespace tillit::crypto {

// ASCII whitespace trimmed and ASCII letters lowercased; other bytes (e.g. UTF-8 in the local part) kept as they are.
// Does not check that the result is an e-mail address.
std::string NormaliseEmail(std::string_view email);

// The number in E.164 ("+4791234567"), read with libphonenumber; a number without a country code is read as one of
// `default_region` (ISO 3166 alpha-2, e.g. "FI"; case does not matter). InvalidArgument "invalid_phone" if it does not
// parse or is not a valid number.
Result<std::string> NormalisePhone(std::string_view raw, std::string_view default_region);

// ASCII whitespace trimmed; otherwise exact (customer numbers are case-sensitive).
std::string NormaliseCustomerNumber(std::string_view customer_number);

// The ISO 3166 region of a number NormalisePhone returned ("+46701234567" → "SE"); "" when libphonenumber knows
// none (a non-geographic number).
std::string PhoneRegion(std::string_view e164);

// A postal address as opt-out registers and the register compare it: "<street>|<postal code>|<country>". The street
// is case folded (ASCII and the Latin-1 letters of the Nordic languages: Å→å, Ä→ä, Ö→ö, Ø→ø, Æ→æ, Ü→ü, É→é),
// punctuation other than '-' and '/' becomes a space, whitespace runs collapse to one space and are trimmed;
// "gata"/"gatan"/"gate"/"katu" are kept as they are (no abbreviation table). The postal code keeps only its letters
// and digits, upper-cased; the country is the upper-cased ISO code. The city is left out on purpose: the postal code
// decides it, and cities are spelt in several languages (Helsinki/Helsingfors). The name is left out too, so a
// register entry suppresses its address, every person living there: the cautious side. InvalidArgument
// "invalid_address" when the street or postal code is empty.
Result<std::string> NormalisePostalAddress(std::string_view street, std::string_view postal_code,
                                           std::string_view country);

// Which index a value goes into; each has its own subkey. The values are the KDF subkey ids: never renumber.
enum class IndexKind : uint8_t {
  kEmail = 1,           // NormaliseEmail
  kPhone = 2,           // NormalisePhone
  kCustomerNumber = 3,  // NormaliseCustomerNumber
  kSuppression = 4,     // NormaliseEmail of an erased or suppressed subject's address
  kLogin = 5,           // NormaliseCustomerNumber of a login name
  kIpAddress = 6,       // the IP address a consent was given from, as text: evidence without the address itself
  // NormalisePostalAddress of a subject's contact.address, and of opt-out register entries, so they meet.
  kPostalAddress = 7,
  // The upper-cased ISO country code of a subject (address country, else phone region): which country's marketing
  // rules apply, found again at start without opening any sealed field.
  kCountry = 8,
};

class BlindIndexer {
 public:
  // Derives the per-kind subkeys from `index_root` (crypto_kdf_derive_from_key, context "tlltbidx"); `index_root` is
  // not kept and may be destroyed afterwards. The subkeys are wiped when the BlindIndexer is destroyed.
  explicit BlindIndexer(const SecretKey& index_root);

  BlindIndexer(const BlindIndexer&) = delete;
  BlindIndexer& operator=(const BlindIndexer&) = delete;

  // The 32-byte keyed BLAKE2b of `normalised` under the subkey of `kind`. Deterministic: equal inputs give equal
  // indexes. REQUIRES: `normalised` is the output of the Normalise* function `kind` names; Index does not normalise.
  std::vector<uint8_t> Index(IndexKind kind, std::string_view normalised) const;

 private:
  static constexpr size_t kKinds = 8;
  std::array<SecretKey, kKinds> subkeys_;  // [kind - 1]; SecretKey wipes itself
};

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_BLIND_INDEX_H_
