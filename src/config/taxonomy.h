// The built-in taxonomy of personal-data categories. Every category a seed policy names has an entry here, with
// its W3C Data Privacy Vocabulary term (`pd:` namespace) and its fideslang data-category key, so the policy, the
// ROPA and exports can speak standard vocabularies. Configurations pick the categories they use by id and may add
// `custom.*` ones.
//
// Thread safety: immutable static data; safe from any thread.
#ifndef TILLIT_CONFIG_TAXONOMY_H_
#define TILLIT_CONFIG_TAXONOMY_H_

#include <span>
#include <string_view>

namespace tillit::config {

struct CategoryInfo {
  std::string_view id;         // "contact.email"
  std::string_view dpv;        // "pd:EmailAddress"
  std::string_view fideslang;  // "user.contact.email"
  std::string_view name_en;    // "E-mail address"
  std::string_view name_sv;
  std::string_view name_nb;
  std::string_view name_fi;
  // Data the subject provided or that was observed about them (portable under Art. 20), as opposed to inferred.
  bool portable;
};

// All built-in categories, sorted by id.
std::span<const CategoryInfo> BuiltinCategories();

// Returns the built-in category with this id, or nullptr.
const CategoryInfo* FindBuiltinCategory(std::string_view id);

}  // namespace tillit::config

#endif  // TILLIT_CONFIG_TAXONOMY_H_
