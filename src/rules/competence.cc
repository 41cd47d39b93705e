#include "rules/competence.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace openvap::rules {
namespace {

struct PurposeNameEntry {
  Purpose purpose;
  std::string_view name;
};

constexpr PurposeNameEntry kPurposeNames[] = {
    {Purpose::kTourism, "tourism"},
    {Purpose::kBusiness, "business"},
    {Purpose::kVisitingFamilyOrFriends, "visiting-family-or-friends"},
    {Purpose::kCultural, "cultural"},
    {Purpose::kSports, "sports"},
    {Purpose::kOfficialVisit, "official-visit"},
    {Purpose::kMedicalReasons, "medical-reasons"},
    {Purpose::kStudy, "study"},
    {Purpose::kTransit, "transit"},
    {Purpose::kAirportTransit, "airport-transit"},
    {Purpose::kOther, "other"},
};

Status CheckState(const ReferenceData& data, const std::string& code, Date on,
                  const std::string& what) {
  const SchengenState* state = data.FindStateByIso2(code);
  if (state == nullptr) {
    return Error{"unknown-state", what + ": '" + code + "' is not a Schengen state"};
  }
  if (!state->AppliesInFullOn(on)) {
    return Error{
        "unknown-state",
        what + ": " + state->name + " (" + code + ") does not apply the Schengen acquis " +
            "in full on " + FormatIsoDate(on) + " (" + state->schengen_status +
            (state->full_application_date ? ", from " + FormatIsoDate(*state->full_application_date)
                                          : std::string()) +
            ")"};
  }
  return Ok();
}

std::string Canonical(const ReferenceData& data, const std::string& code) {
  const SchengenState* state = data.FindStateByIso2(code);
  return state != nullptr ? state->iso2 : code;
}

}  // namespace

std::string PurposeName(Purpose purpose) {
  for (const auto& entry : kPurposeNames) {
    if (entry.purpose == purpose) return std::string(entry.name);
  }
  return "other";
}

std::string ChoiceKey(std::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (const char c : text) {
    key.push_back(c == '_' || c == ' '
                      ? '-'
                      : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return key;
}

Result<Purpose> ParsePurpose(std::string_view text) {
  const std::string key = ChoiceKey(text);
  if (key == "visit-family" || key == "visiting-family" || key == "visiting-friends") {
    return Purpose::kVisitingFamilyOrFriends;
  }
  if (key == "medical") return Purpose::kMedicalReasons;
  if (key == "official") return Purpose::kOfficialVisit;
  for (const auto& entry : kPurposeNames) {
    if (entry.name == key) return entry.purpose;
  }
  std::string names;
  for (const auto& entry : kPurposeNames)
    names += (names.empty() ? "" : ", ") + std::string(entry.name);
  return Error{"invalid-purpose",
               "'" + std::string(text) + "' is not a purpose of the journey (" + names + ")"};
}

std::string CompetenceReasonName(CompetenceReason reason) {
  switch (reason) {
    case CompetenceReason::kSoleDestination:
      return "sole-destination";
    case CompetenceReason::kMainDestination:
      return "main-destination";
    case CompetenceReason::kFirstEntry:
      return "first-entry";
    case CompetenceReason::kTransit:
      return "transit";
    case CompetenceReason::kAirportTransit:
      return "airport-transit";
    case CompetenceReason::kChosenByPurpose:
      return "chosen-by-purpose";
  }
  return "sole-destination";
}

Result<Competence> DetermineCompetence(const ReferenceData& data, const CompetenceFacts& facts) {
  if (facts.stays.empty()) return Error{"invalid-stay", "stays: at least one stay is needed"};
  std::vector<PlannedStay> stays = facts.stays;
  for (std::size_t i = 0; i < stays.size(); ++i) {
    const std::string what = "stays[" + std::to_string(i) + "].state";
    OPENVAP_RETURN_IF_ERROR(CheckState(data, stays[i].state, stays[i].from, what));
    if (stays[i].to < stays[i].from) {
      return Error{"invalid-stay", "stays[" + std::to_string(i) + "]: ends before it starts"};
    }
    if (DaysBetween(stays[i].from, stays[i].to) > 3653) {
      return Error{"invalid-stay", "stays[" + std::to_string(i) + "]: longer than ten years"};
    }
    stays[i].state = Canonical(data, stays[i].state);
  }
  std::stable_sort(stays.begin(), stays.end(),
                   [](const PlannedStay& a, const PlannedStay& b) { return a.from < b.from; });
  const Date first_day = stays.front().from;
  std::string first_entry = facts.first_entry_state;
  if (first_entry.empty()) {
    first_entry = stays.front().state;
  } else {
    OPENVAP_RETURN_IF_ERROR(CheckState(data, first_entry, first_day, "first_entry_state"));
    first_entry = Canonical(data, first_entry);
  }
  std::string chosen = facts.chosen_state;
  if (!chosen.empty()) {
    OPENVAP_RETURN_IF_ERROR(CheckState(data, chosen, first_day, "chosen_state"));
    chosen = Canonical(data, chosen);
  }

  Competence out;
  // Days per state, each calendar day counted once per state (entry and exit days included).
  std::vector<std::pair<std::string, std::set<int>>> days;
  for (const PlannedStay& s : stays) {
    auto it = std::find_if(days.begin(), days.end(),
                           [&](const auto& entry) { return entry.first == s.state; });
    if (it == days.end()) {
      days.emplace_back(s.state, std::set<int>());
      it = days.end() - 1;
    }
    for (int d = 0; d <= DaysBetween(s.from, s.to); ++d) {
      it->second.insert(DaysBetween(first_day, s.from) + d);
    }
  }
  for (const auto& [state, set] : days) {
    out.days_by_state.emplace_back(state, static_cast<int>(set.size()));
  }
  const bool chosen_is_destination =
      !chosen.empty() && std::any_of(days.begin(), days.end(),
                                     [&](const auto& entry) { return entry.first == chosen; });
  if (!chosen.empty() && !chosen_is_destination) {
    out.notes.push_back("chosen_state " + chosen +
                        " is not a destination of the planned stays; competence follows Visa "
                        "Code Art 5 without it");
  }

  if (facts.purpose == Purpose::kAirportTransit) {
    out.competent_state = stays.front().state;
    out.reason = CompetenceReason::kAirportTransit;
    out.basis = days.size() == 1 ? "Visa Code Art 5(3)(a): the state of the transit airport"
                                 : "Visa Code Art 5(3)(b): the state of the first transit airport";
  } else if (facts.purpose == Purpose::kTransit) {
    out.reason = CompetenceReason::kTransit;
    if (days.size() == 1) {
      out.competent_state = days.front().first;
      out.basis = "Visa Code Art 5(2)(a): transit through only one state";
    } else {
      out.competent_state = first_entry;
      out.basis =
          "Visa Code Art 5(2)(b): transit through several states, the state whose "
          "external border is crossed to start the transit";
    }
  } else if (days.size() == 1) {
    out.competent_state = days.front().first;
    out.reason = CompetenceReason::kSoleDestination;
    out.basis = "Visa Code Art 5(1)(a): the sole destination";
  } else {
    int most = 0;
    for (const auto& [state, n] : out.days_by_state) most = std::max(most, n);
    std::vector<std::string> leaders;
    for (const auto& [state, n] : out.days_by_state) {
      if (n == most) leaders.push_back(state);
    }
    if (chosen_is_destination && !(leaders.size() == 1 && leaders.front() == chosen)) {
      out.competent_state = chosen;
      out.reason = CompetenceReason::kChosenByPurpose;
      out.needs_confirmation = true;
      out.basis =
          "Visa Code Art 5(1)(b) (main destination by purpose of stay) and VIS Reg Art "
          "7d(1): the applicant's choice by main purpose, to be confirmed by the "
          "consulate (Art 18(3))";
    } else if (leaders.size() == 1) {
      out.competent_state = leaders.front();
      out.reason = CompetenceReason::kMainDestination;
      out.basis = "Visa Code Art 5(1)(b): the main destination by length of stay in days";
    } else {
      out.competent_state = first_entry;
      out.reason = CompetenceReason::kFirstEntry;
      out.basis =
          "Visa Code Art 5(1)(c): no main destination (equal days), the state of first "
          "entry";
    }
  }

  // Art 8: representation at the lodging location.
  out.lodge_with = out.competent_state;
  if (!facts.lodging_country.empty()) {
    for (const RepresentationArrangement& a : data.representation()) {
      const bool in_force = (!a.valid_from || *a.valid_from <= facts.lodged_on) &&
                            (!a.valid_until || facts.lodged_on <= *a.valid_until);
      const bool type_ok = a.visa_types.empty() || a.visa_types.find('C') != std::string::npos ||
                           (facts.purpose == Purpose::kAirportTransit &&
                            a.visa_types.find('A') != std::string::npos);
      if (a.location_iso3 == facts.lodging_country &&
          Canonical(data, a.represented_state) == out.competent_state && in_force && type_ok) {
        out.lodge_with = Canonical(data, a.representing_state);
        out.represented = true;
        out.representation_source = a.source;
        out.notes.push_back("Visa Code Art 8: in " + a.location_iso3 + ", " + out.lodge_with +
                            " represents " + out.competent_state);
        break;
      }
    }
  }
  return out;
}

}  // namespace openvap::rules
