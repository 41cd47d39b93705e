#include "domain/retention.h"

#include <algorithm>

#include "domain/register_retention.h"

namespace openvap::domain {
namespace {

using nlohmann::json;

AuditEvent SystemEvent(std::string action, const ApplicationId& id, json details = json::object()) {
  return AuditEvent{"system", "system", std::move(action), "application:" + id.value(),
                    std::move(details)};
}

}  // namespace

RetentionService::RetentionService(Store& store, const Clock& clock, RetentionPolicy policy)
    : store_(store), clock_(clock), policy_(policy) {}

Result<TransferPackage> RetentionService::PrepareTransfer(const ApplicationId& id) {
  TransferPackage package;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    package.documents.clear();
    OPENVAP_ASSIGN_OR_RETURN(const auto a, uow.Applications().Find(id));
    if (!a) return Error{"not-found", "no application " + id.value()};
    if (a->purged) return Error{"invalid-transition", "already transferred"};
    if (a->status == ApplicationStatus::kDraft || a->status == ApplicationStatus::kSubmitted ||
        a->status == ApplicationStatus::kNotified) {
      return Error{"invalid-transition", "only accepted applications go to the national system"};
    }
    json lodging = {{"travel_document_verified", a->lodging.travel_document_verified},
                    {"documents_quality_checked", a->lodging.documents_quality_checked},
                    {"provider_reviewed", a->lodging.provider_reviewed},
                    {"doubts", a->lodging.doubts},
                    {"chip_data", a->lodging.chip_data}};
    if (a->lodging.biometrics_collected_on) {
      lodging["biometrics_collected_on"] = FormatIsoDate(*a->lodging.biometrics_collected_on);
      lodging["biometrics_travel_document"] = a->lodging.biometrics_travel_document;
    }
    package.file = {{"application", a->id.value()},
                    {"kind", ApplicationKindName(a->kind)},
                    {"member_state", a->notified_state},
                    {"form", a->form.Fields()},
                    {"declarations", a->declarations},
                    {"submitted_from_ip", a->submitted_from_ip},
                    {"lodging", lodging},
                    {"fee_paid", a->fee_paid}};
    if (a->submitted_at) package.file["submitted_at"] = FormatIsoTimestamp(*a->submitted_at);
    if (a->prechecks) package.file["prechecks"] = a->prechecks->details;
    OPENVAP_ASSIGN_OR_RETURN(const auto docs, uow.Applications().ListDocuments(id));
    for (const ApplicationDocument& d : docs) {
      OPENVAP_ASSIGN_OR_RETURN(const auto content, uow.Applications().DocumentContent(id, d.id));
      if (content) package.documents.emplace_back(d, *content);
    }
    return uow.Audit().Append(
        SystemEvent("application.transfer-prepared", id, {{"documents", docs.size()}}));
  }));
  return package;
}

Status RetentionService::Reduce(UnitOfWork& uow, Application& a, const std::string& reason) {
  // What stays: the account link and the contact address (VIS 7d(10)).
  a.form = ApplicationForm();
  a.declarations.clear();
  a.lodging = LodgingRecord{};
  a.submitted_from_ip.clear();
  if (a.prechecks) a.prechecks->details = json::object();
  a.purged = true;
  a.updated_at = clock_.Now();
  OPENVAP_RETURN_IF_ERROR(uow.Applications().DeleteDocuments(a.id));
  OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
  return uow.Audit().Append(SystemEvent("application.purge", a.id, {{"reason", reason}}));
}

Status RetentionService::Forget(UnitOfWork& uow, const Application& a, const std::string& action) {
  OPENVAP_RETURN_IF_ERROR(uow.Messages().DeleteAbout(a.owner, a.id));
  OPENVAP_RETURN_IF_ERROR(uow.Applications().Delete(a.id));
  return uow.Audit().Append(SystemEvent(action, a.id));
}

Status RetentionService::CompleteTransfer(const ApplicationId& id) {
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto a, uow.Applications().Find(id));
    if (!a) return Error{"not-found", "no application " + id.value()};
    if (a->purged) return Ok();
    return Reduce(uow, *a, "transferred to the national system (VIS 7d(10))");
  });
}

Result<RetentionService::Report> RetentionService::Apply() {
  Report report;
  const Timestamp now = clock_.Now();
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    report = {};
    OPENVAP_ASSIGN_OR_RETURN(auto drafts, uow.Applications().ListStale(ApplicationStatus::kDraft,
                                                                       now - policy_.draft, 500));
    for (const Application& a : drafts) {
      OPENVAP_RETURN_IF_ERROR(Forget(uow, a, "application.delete-draft"));
      ++report.drafts_deleted;
    }
    OPENVAP_ASSIGN_OR_RETURN(
        auto incomplete,
        uow.Applications().ListStale(ApplicationStatus::kSubmitted, now - policy_.incomplete, 500));
    for (const Application& a : incomplete) {
      OPENVAP_RETURN_IF_ERROR(Forget(uow, a, "application.delete-incomplete"));
      ++report.incomplete_deleted;
    }
    for (ApplicationStatus closed :
         {ApplicationStatus::kRefused, ApplicationStatus::kIssued, ApplicationStatus::kWithdrawn,
          ApplicationStatus::kNotCompetent, ApplicationStatus::kInadmissible}) {
      OPENVAP_ASSIGN_OR_RETURN(auto stale,
                               uow.Applications().ListStale(closed, now - policy_.closed, 500));
      for (Application& a : stale) {
        if (a.purged) continue;
        // Nothing in the register (withdrawn before acceptance): nothing waits for its five
        // years, so the application goes now. An unreadable register keeps it (reduced).
        const auto records = LoadRegisterRecords(uow, a.id);
        if (records.ok() && records->empty()) {
          OPENVAP_RETURN_IF_ERROR(Forget(uow, a, "application.delete-closed"));
          ++report.closed_deleted;
          continue;
        }
        OPENVAP_RETURN_IF_ERROR(Reduce(uow, a, "retention period after the final outcome"));
        ++report.closed_reduced;
      }
    }
    OPENVAP_ASSIGN_OR_RETURN(report.sessions_deleted,
                             uow.Accounts().DeleteSessionsIdleSince(now - policy_.sessions));
    OPENVAP_ASSIGN_OR_RETURN(report.tokens_deleted, uow.Accounts().DeleteTokensExpiredBefore(now));
    return Ok();
  }));
  // VIS Art 23(1): the register's records past their five years, in batches of their own
  // transaction, so that the one writer is not held for long.
  constexpr int kBatch = 200;
  constexpr int kMostBatches = 500;
  const Date today = UtcDateOf(now);
  for (int batch = 0; batch < kMostBatches; ++batch) {
    std::size_t listed = 0;
    int deleted = 0;
    int unreadable = 0;
    OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
      deleted = unreadable = 0;  // a retried transaction starts again
      OPENVAP_ASSIGN_OR_RETURN(const auto ended,
                               uow.Registry().RetentionEndedBefore(today, kBatch));
      listed = ended.size();
      for (const ApplicationId& id : ended) {
        auto loaded = LoadRegisterRecords(uow, id);
        if (!loaded.ok()) {
          // Unreadable records are neither deleted blindly nor allowed to hold up the others
          // (they would come first in every run): set aside for the operator, with the error.
          ++unreadable;
          OPENVAP_RETURN_IF_ERROR(uow.Registry().KeepUntil(id, std::nullopt));
          OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(SystemEvent(
              "register.retention-unreadable", id, {{"error", loaded.error().message}})));
          continue;
        }
        const RegisterRecords& records = *loaded;
        const std::optional<Date> until = RegisterRetainedUntil(records);
        if (!records.empty() && !(until && *until < today)) {
          // A period never worked out (what the register held before migration 6).
          OPENVAP_RETURN_IF_ERROR(uow.Registry().KeepUntil(id, until));
          continue;
        }
        OPENVAP_RETURN_IF_ERROR(uow.Registry().DeleteRecordsOf(id));
        // What temporary storage kept of it (the contact data) and its messages go with it.
        OPENVAP_ASSIGN_OR_RETURN(const auto application, uow.Applications().Find(id));
        if (application) {
          OPENVAP_RETURN_IF_ERROR(Forget(uow, *application, "application.delete-with-register"));
        }
        if (records.empty()) continue;
        const auto own_visas =
            std::count_if(records.visas.begin(), records.visas.end(),
                          [&](const DigitalVisa& v) { return v.application == id; });
        OPENVAP_RETURN_IF_ERROR(
            uow.Audit().Append(SystemEvent("register.delete-expired", id,
                                           {{"retained_until", FormatIsoDate(*until)},
                                            {"decisions", records.decisions.size()},
                                            {"visas", own_visas},
                                            {"application_deleted", application.has_value()}})));
        ++deleted;
      }
      return Ok();
    }));
    report.register_records_deleted += deleted;
    report.register_records_unreadable += unreadable;
    if (listed < static_cast<std::size_t>(kBatch)) break;
  }
  // Finished jobs: delivered e-mails (their addresses), e-mails and reset requests given up,
  // and the records of other work done.
  constexpr int kJobBatch = 1000;
  for (int batch = 0; batch < kMostBatches; ++batch) {
    std::int64_t deleted = 0;
    OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
      OPENVAP_ASSIGN_OR_RETURN(
          deleted, uow.Jobs().DeleteFinished(now - policy_.finished_jobs, now - policy_.dead_mail,
                                             kJobBatch));
      if (deleted == 0) return Ok();
      return uow.Audit().Append(
          AuditEvent{"system", "system", "jobs.delete-finished", "jobs", {{"deleted", deleted}}});
    }));
    report.jobs_deleted += deleted;
    if (deleted < kJobBatch) break;
  }
  return report;
}

}  // namespace openvap::domain
