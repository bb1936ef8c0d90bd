// Consents, objections and restrictions: the subject's choices and states the decision engine reads. Consent events
// are append-only and name the policy version and the purpose's revision they were given under; an objection can be
// decided by staff (compelling grounds override it, except for direct marketing, where it is absolute); a
// restriction lasts until lifted, and lifting it records what the subject was told. Each change is one write with
// its audit entry, and the decision index learns of it after the commit and before the caller is answered.
//
// Thread safety: all methods may be called from any thread; callbacks run on the store's writer thread (or the
// caller's, for an early error).
#ifndef TILLIT_CORE_CONSENTS_H_
#define TILLIT_CORE_CONSENTS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/audit.h"
#include "core/decisions.h"
#include "crypto/blind_index.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

struct ConsentInput {
  std::string purpose;
  std::string channel;  // "" for every channel
  std::string action;   // "given" | "withdrawn" | "refused" | "existing_customer"
  std::string method = "api";
  std::string language;       // the language the text was shown in; the controller's default when empty
  std::string user_agent;     // evidence, optional
  std::string ip;             // evidence, optional: stored only as a keyed hash
  std::optional<int64_t> at;  // when it was given; only for method "import" (now otherwise)
  bool unproven = false;      // an import without evidence
};

struct ObjectionInput {
  std::string purpose;  // "" when only a channel is named
  std::string channel;
  std::string method = "api";
};

// A subject's consent state: the latest event per (purpose, channel) and every event.
struct ConsentState {
  std::vector<store::ConsentEventRow> current;
  std::vector<store::ConsentEventRow> history;
};

class Consents {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the Consents.
  Consents(std::shared_ptr<const config::Config> config, std::string policy_version, store::Store& store,
           DecisionIndex& index, const crypto::BlindIndexer& indexer, Clock& clock, Random& random);

  // Appends a consent event. InvalidArgument for an unknown purpose, channel, action or method; NotFound for an
  // unknown subject.
  void Record(std::string subject_id, ConsentInput input, Actor actor, Done<store::ConsentEventRow> done);
  Result<ConsentState> State(std::string_view subject_id);

  void Object(std::string subject_id, ObjectionInput input, Actor actor, Done<store::ObjectionRow> done);
  // outcome "overridden" (compelling legitimate grounds; `reason` required; not for direct marketing) or "upheld".
  void DecideObjection(std::string subject_id, std::string objection_id, std::string outcome, std::string reason,
                       Actor actor, Done<store::ObjectionRow> done);
  Result<std::vector<store::ObjectionRow>> Objections(std::string_view subject_id);

  void Restrict(std::string subject_id, std::string reason, Actor actor, Done<store::RestrictionRow> done);
  void Lift(std::string subject_id, std::string notice, Actor actor, Done<std::string> done);
  Result<std::vector<store::RestrictionRow>> Restrictions(std::string_view subject_id);

 private:
  Status CheckSubject(std::string_view subject_id) const;

  std::shared_ptr<const config::Config> config_;
  std::string policy_version_;
  store::Store& store_;
  DecisionIndex& index_;
  const crypto::BlindIndexer& indexer_;
  Clock& clock_;
  Random& random_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENTS_H_
