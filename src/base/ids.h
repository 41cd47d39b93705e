#ifndef OPENVAP_BASE_IDS_H_
#define OPENVAP_BASE_IDS_H_

// Strong identifier types: an ApplicationId cannot be passed where a VisaNumber is expected,
// although both are strings underneath.

#include <cctype>
#include <compare>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace openvap {

template <typename Tag, typename Rep = std::string>
class StrongId {
 public:
  using Representation = Rep;

  StrongId() = default;
  explicit StrongId(Rep value) : value_(std::move(value)) {}

  const Rep& value() const { return value_; }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend auto operator<=>(const StrongId&, const StrongId&) = default;
  friend bool operator==(const StrongId&, const StrongId&) = default;
  friend std::ostream& operator<<(std::ostream& out, const StrongId& id) {
    return out << id.value_;
  }

 private:
  Rep value_{};
};

// Identifiers of the domain. The tags are declared here so that every module spells them the
// same way; their formats are defined by the module that mints them.
using AccountId = StrongId<struct AccountIdTag>;
using ApplicationId = StrongId<struct ApplicationIdTag>;
using VisaNumber = StrongId<struct VisaNumberTag>;
using PermitNumber = StrongId<struct PermitNumberTag>;
using DecisionId = StrongId<struct DecisionIdTag>;
using SessionId = StrongId<struct SessionIdTag>;

// A travel document number as people type it ("x 123 4567") and as the MRZ prints it
// ("X1234567<"): compared without case, spaces, hyphens and the '<' filler (ICAO 9303 Part 3).
inline std::string TravelDocumentNumberKey(std::string_view number) {
  std::string key;
  for (const char c : number) {
    if (c == ' ' || c == '<' || c == '-') continue;
    key.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return key;
}

}  // namespace openvap

template <typename Tag, typename Rep>
struct std::hash<openvap::StrongId<Tag, Rep>> {
  std::size_t operator()(const openvap::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};

#endif  // OPENVAP_BASE_IDS_H_
