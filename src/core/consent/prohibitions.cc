#include "core/consent/prohibitions.h"

#include <algorithm>

namespace tillit::core {

using config::Channel;

const std::vector<ProhibitionCode>& ProhibitionCodes() {
  static const std::vector<ProhibitionCode> kCodes = {
      {"no_direct_marketing", "suoramarkkinointikielto", {}, false},
      {"no_phone_marketing", "puhelinmarkkinointikielto", {Channel::kPhone}, false},
      {"no_postal_marketing", "osoitteellisen suoramainonnan kielto", {Channel::kPost}, false},
      {"no_electronic_marketing", "sähköisen suoramarkkinoinnin kielto", {Channel::kEmail, Channel::kSms}, false},
      {"no_market_research", "markkina- ja mielipidetutkimuskielto", {}, true},
  };
  return kCodes;
}

const ProhibitionCode* FindProhibitionCode(std::string_view id) {
  for (const auto& code : ProhibitionCodes()) {
    if (code.id == id) return &code;
  }
  return nullptr;
}

bool IsMarketResearch(const config::Purpose& purpose) {
  return purpose.id == "market_research" || purpose.id == "surveys" || purpose.id == "customer_surveys";
}

bool IsDirectMarketing(const config::Purpose& purpose) {
  return !purpose.channels.empty() || purpose.id == "marketing";
}

bool ProhibitionCovers(const ProhibitionCode& code, std::string_view purpose, std::string_view channel,
                       const config::Purpose& p, std::string_view asked_channel) {
  if (!purpose.empty() && purpose != p.id) return false;
  // A code narrowed to one purpose covers that purpose whatever it is; otherwise the code's own kind of purposes.
  if (purpose.empty() && !(code.market_research ? IsMarketResearch(p) : IsDirectMarketing(p))) return false;
  if (!channel.empty()) return asked_channel == channel;
  if (code.channels.empty()) return true;
  auto asked = config::ParseChannel(asked_channel);
  return asked && std::find(code.channels.begin(), code.channels.end(), *asked) != code.channels.end();
}

}  // namespace tillit::core
