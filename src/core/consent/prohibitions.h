// Marketing prohibition codes (Finnish "kieltokoodit", as the Finnish direct-marketing practice keeps them): a
// subject's standing instruction not to be reached for direct marketing over some channels, or not for market
// research. Staff or the shop record a code with an optional narrowing to one purpose or one channel; it lasts until
// lifted. The decision engine denies with rule `prohibition_code` (DESIGN.md, rule 6).
//
// Thread safety: immutable static data.
#ifndef TILLIT_CORE_CONSENT_PROHIBITIONS_H_
#define TILLIT_CORE_CONSENT_PROHIBITIONS_H_

#include <string_view>
#include <vector>

#include "config/config.h"

namespace tillit::core {

struct ProhibitionCode {
  std::string_view id;    // "no_phone_marketing"
  std::string_view name;  // the Finnish practice's name, for staff who know it by that
  // Channels covered; empty: every channel, and decisions that name none.
  std::vector<config::Channel> channels;
  // Covers market research and opinion polls (purposes kMarketResearchPurposes) instead of direct marketing.
  bool market_research = false;
};

// The codes, in the order the API documentation lists them.
const std::vector<ProhibitionCode>& ProhibitionCodes();
const ProhibitionCode* FindProhibitionCode(std::string_view id);

// Purpose ids that count as market research for `no_market_research`.
bool IsMarketResearch(const config::Purpose& purpose);

// Direct marketing: a purpose that reaches people over channels, or the purpose named marketing.
bool IsDirectMarketing(const config::Purpose& purpose);

// Whether a prohibition (code, narrowed to `purpose` and `channel` when not empty) forbids using `p` over `channel`
// ("" when the decision names no channel).
bool ProhibitionCovers(const ProhibitionCode& code, std::string_view purpose, std::string_view channel,
                       const config::Purpose& p, std::string_view asked_channel);

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_PROHIBITIONS_H_
