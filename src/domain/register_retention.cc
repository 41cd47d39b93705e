#include "domain/register_retention.h"

#include <algorithm>

namespace openvap::domain {
namespace {

// The date of an instant for a period that must not start too early: the latest calendar date
// anywhere at that instant (UTC+14), so that it is never before the date where the authority
// decided (a refusal at 00:30 in Paris is still the day before in UTC). At most one day later
// than the authority's own date: the records are then kept one day longer, never deleted early.
Date LatestDateOf(Timestamp instant) { return UtcDateOf(instant + std::chrono::hours(14)); }

}  // namespace

std::optional<Date> RegisterRetainedUntil(const RegisterRecords& records) {
  std::optional<Date> start;
  const auto later = [&](Date d) {
    if (!start || *start < d) start = d;
  };
  for (const Decision& d : records.decisions) {
    switch (d.kind) {
      case DecisionKind::kRefuse:
      case DecisionKind::kAnnul:
      case DecisionKind::kRevoke:
      case DecisionKind::kRefuseConfirmation:
        later(LatestDateOf(d.decided_at));  // (d)
        break;
      case DecisionKind::kExtend:
      case DecisionKind::kConfirm:
        // An extension or confirmation asked for in an application of its own, whose visa the
        // register no longer holds (its own five years ended): from the decision, which came
        // before that visa's expiry, so these records go too.
        if (d.visa && std::none_of(records.visas.begin(), records.visas.end(),
                                   [&](const DigitalVisa& v) { return v.number == *d.visa; })) {
          later(LatestDateOf(d.decided_at));
        }
        break;
      default:
        break;
    }
  }
  for (const DigitalVisa& v : records.visas) {
    if (v.status == VisaStatus::kIssued) later(v.valid_until);  // (a), (b): kept up to date
    // (d), also when the decision answered an application of its own (a refused confirmation)
    if (v.status != VisaStatus::kIssued && v.withdrawn_at) later(LatestDateOf(*v.withdrawn_at));
  }
  if (!start) {
    const bool closed =
        records.withdrawn ||
        std::any_of(records.decisions.begin(), records.decisions.end(), [](const Decision& d) {
          return d.kind == DecisionKind::kNotCompetent || d.kind == DecisionKind::kInadmissible;
        });
    if (!closed) return std::nullopt;
    // (c): the file was created at acceptance; a file closed before acceptance has none, and
    // the register's first record of it is the decision that closed it.
    if (records.file) {
      start = LatestDateOf(records.file->created_at);
    } else if (!records.decisions.empty()) {
      const auto first = std::min_element(
          records.decisions.begin(), records.decisions.end(),
          [](const Decision& a, const Decision& b) { return a.decided_at < b.decided_at; });
      start = LatestDateOf(first->decided_at);
    } else {
      return std::nullopt;
    }
  }
  return AddYears(*start, kRegisterRetentionYears);
}

Result<RegisterRecords> LoadRegisterRecords(UnitOfWork& uow, const ApplicationId& application) {
  RegisterRecords records;
  OPENVAP_ASSIGN_OR_RETURN(records.file, uow.Registry().FindFile(application));
  OPENVAP_ASSIGN_OR_RETURN(records.decisions, uow.Registry().DecisionsOfApplication(application));
  OPENVAP_ASSIGN_OR_RETURN(records.visas, uow.Registry().VisasOfApplication(application));
  // An extension or confirmation asked for in an application of its own concerns a visa of
  // another application: its records last as long as that visa's (VIS Art 23(1)(b)).
  for (const Decision& d : records.decisions) {
    if (!d.visa || std::any_of(records.visas.begin(), records.visas.end(),
                               [&](const DigitalVisa& v) { return v.number == *d.visa; })) {
      continue;
    }
    OPENVAP_ASSIGN_OR_RETURN(const auto visa, uow.Registry().FindVisa(*d.visa));
    if (visa) records.visas.push_back(*visa);
  }
  OPENVAP_ASSIGN_OR_RETURN(const auto kept, uow.Applications().Find(application));
  records.withdrawn = kept && kept->status == ApplicationStatus::kWithdrawn;
  return records;
}

Status ReviewRegisterRetention(UnitOfWork& uow, const ApplicationId& application) {
  OPENVAP_ASSIGN_OR_RETURN(const RegisterRecords records, LoadRegisterRecords(uow, application));
  if (records.empty()) return Ok();
  return uow.Registry().KeepUntil(application, RegisterRetainedUntil(records));
}

}  // namespace openvap::domain
