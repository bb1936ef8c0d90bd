// Network address helpers.
#ifndef TILLIT_UTIL_NET_H_
#define TILLIT_UTIL_NET_H_

#include <string_view>

namespace tillit {

// True iff `host` names this machine only: "localhost", an IPv4 address in 127.0.0.0/8, or ::1 (with or without
// brackets). A name that merely starts with "127." is not.
bool IsLoopbackHost(std::string_view host);

}  // namespace tillit

#endif  // TILLIT_UTIL_NET_H_
