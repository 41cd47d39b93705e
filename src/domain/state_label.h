#ifndef OPENVAP_DOMAIN_STATE_LABEL_H_
#define OPENVAP_DOMAIN_STATE_LABEL_H_

#include <string>

namespace openvap::domain {

// "France (FR)": a Member State as messages and decisions name it to people, by the StateName
// of a port that knows the names (PreChecks, DecisionTexts); the code alone when it has none.
template <typename Names>
std::string StateLabel(const Names& names, const std::string& state) {
  const std::string name = names.StateName(state);
  return name.empty() || name == state ? state : name + " (" + state + ")";
}

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_STATE_LABEL_H_
