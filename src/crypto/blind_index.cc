#include "crypto/blind_index.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <sodium.h>

#include <cctype>
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

std::string PhoneRegion(std::string_view e164) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return "";
  std::string region;
  util.GetRegionCodeForNumber(number, &region);
  return region == "ZZ" ? "" : region;
}

namespace {

// Lower-cases ASCII and the upper-case Latin-1 letters (U+00C0–U+00DE except ×) in UTF-8, which covers the Nordic
// alphabets; other bytes are kept.
std::string FoldCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) next = static_cast<unsigned char>(next + 0x20);
      out.push_back(static_cast<char>(c));
      out.push_back(static_cast<char>(next));
      ++i;
      continue;
    }
    out.push_back(AsciiLower(static_cast<char>(c)));
  }
  return out;
}

}  // namespace

Result<std::string> NormalisePostalAddress(std::string_view street, std::string_view postal_code,
                                           std::string_view country) {
  std::string folded = FoldCase(street);
  std::string street_out;
  bool space = false;
  for (char ch : folded) {
    const auto c = static_cast<unsigned char>(ch);
    const bool punct = c < 0x80 && !std::isalnum(c) && ch != '-' && ch != '/';
    if (punct || IsAsciiSpace(ch)) {
      space = !street_out.empty();
      continue;
    }
    if (space) street_out.push_back(' ');
    space = false;
    street_out.push_back(ch);
  }
  std::string code;
  for (char ch : postal_code) {
    if (std::isalnum(static_cast<unsigned char>(ch))) code.push_back(AsciiUpper(ch));
  }
  std::string region(TrimAscii(country));
  for (char& c : region) c = AsciiUpper(c);
  if (street_out.empty() || code.empty()) {
    return Status::InvalidArgument("a postal address needs a street and a postal code", "invalid_address");
  }
  return street_out + "|" + code + "|" + region;
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
