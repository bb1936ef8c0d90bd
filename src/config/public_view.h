// JSON views of a Config: the public view that policy pages, the cookie banner and the shop read from
// GET /v1/config, and the canonical form whose hash is the policy version.
#ifndef TILLIT_CONFIG_PUBLIC_VIEW_H_
#define TILLIT_CONFIG_PUBLIC_VIEW_H_

#include <string>

#include "config/config.h"

namespace tillit::config {

// Controller, languages, categories, purposes, retention, recipients, cookies, rights and marketing routes:
// everything a privacy policy states. `policy_version` is added when not empty.
std::string PublicViewJson(const Config& config, const std::string& policy_version);

// Every fact of the configuration that the policy or the rules depend on, with sorted keys and no whitespace, so
// equal configurations give equal text whatever their formatting, comments or key order in the TOML file.
std::string CanonicalConfigJson(const Config& config);

}  // namespace tillit::config

#endif  // TILLIT_CONFIG_PUBLIC_VIEW_H_
