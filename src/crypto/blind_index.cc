#include "crypto/blind_index.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <sodium.h>

#include <cstdlib>

namespace tillit::crypto {
namespace {

constexpr char kKdfContext[] = "tlltbidx";
static_assert(sizeof kKdfContext - 1 == crypto_kdf_CONTEXTBYTES);
static_assert(crypto_kdf_KEYBYTES == SecretKey::kSize);
constexpr size_t kIndexSize = 32;

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string NormaliseEmail(std::string_view email) {
  std::string out(TrimAscii(email));
  for (char& c : out) c = AsciiLower(c);
  return out;
}

Result<std::string> NormalisePhone(std::string_view raw, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  std::string region(TrimAscii(default_region));
  for (char& c : region) c = AsciiUpper(c);
  if (region.empty()) region = "ZZ";  // libphonenumber's "unknown region": only +<country code> numbers parse

  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(raw), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !util.IsValidNumber(number)) {
    // The number is personal data and a Status message may reach a log, so no part of `raw` is repeated here.
    return Status::InvalidArgument("the value is not a valid phone number for region " + region, "invalid_phone");
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

std::string NormaliseCustomerNumber(std::string_view customer_number) {
  return std::string(TrimAscii(customer_number));
}

BlindIndexer::BlindIndexer(const SecretKey& index_root) {
  for (size_t i = 0; i < kKinds; ++i) {
    // Subkey id = the IndexKind's value.
    crypto_kdf_derive_from_key(subkeys_[i].data(), SecretKey::kSize, i + 1, kKdfContext, index_root.data());
  }
}

std::vector<uint8_t> BlindIndexer::Index(IndexKind kind, std::string_view normalised) const {
  const size_t slot = static_cast<size_t>(kind) - 1;
  if (slot >= kKinds) std::abort();  // not an IndexKind: a bug, and reading past subkeys_ would be worse
  std::vector<uint8_t> index(kIndexSize);
  crypto_generichash(index.data(), index.size(), reinterpret_cast<const unsigned char*>(normalised.data()),
                     normalised.size(), subkeys_[slot].data(), SecretKey::kSize);
  return index;
}

}  // namespace tillit::crypto
