// Consent receipts: what a subject (or an auditor) is handed to show that one consent event happened, in two
// standard shapes built from the event and the configuration it names. `iso27560` is the consent record of
// ISO/IEC TS 27560:2023 as the W3C DPV guide "Consent Records and Receipts as per ISO/IEC TS 27560:2023 using DPV"
// publishes it (JSON-LD with DPV and Dublin Core keys); `kantara` is a Kantara Initiative Consent Receipt v1.1
// ("KI-CR-v1.1.0"). Neither holds personal data beyond the subject's pseudonymous id: no name, e-mail or IP address.
//
// Thread safety: a pure function of its arguments.
#ifndef TILLIT_CORE_CONSENT_RECEIPTS_H_
#define TILLIT_CORE_CONSENT_RECEIPTS_H_

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "store/store.h"

namespace tillit::core {

// {"iso27560": {…}, "kantara": {…}} for `event`, in the language the event was given in. The purpose's texts,
// categories and validity come from `config` (the current configuration); a purpose that is no longer configured is
// named by its id alone.
// REQUIRES: event.action is "given", "withdrawn" or "refused" (the existing-customer exception is not a consent).
nlohmann::json ConsentReceipt(const config::Config& config, const store::ConsentEventRow& event);

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_RECEIPTS_H_
