#ifndef OPENVAP_DOMAIN_RETENTION_H_
#define OPENVAP_DOMAIN_RETENTION_H_

// What leaves temporary storage, and when (VIS Art 7d(10); VAP-XFER; VAP-DP data
// minimisation): an accepted file is handed to the national system and then deleted except
// the contact data linked to the account; other files are kept only as long as the procedure
// needs them. The periods are a deployment's policy; the defaults are documented here. The
// register of decisions and visas keeps its records five years (VIS Art 23(1),
// register_retention.h), which is the law, not a policy.
//
// What remains of an application in temporary storage (the contact data kept after the
// transfer) and the messages about it in the account go with the register's records when it has
// some, otherwise with the application itself when temporary storage lets it go (a draft, a file
// never completed, one withdrawn or closed before the register held anything). Payments keep
// their references (amount, provider, application id) for the states' accounts.

#include <openvap/result.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "domain/store.h"

namespace openvap::domain {

struct RetentionPolicy {
  // A draft nobody touched for this long is deleted.
  std::chrono::hours draft{24 * 90};
  // A submitted file that never became complete (never notified) is deleted after this.
  std::chrono::hours incomplete{24 * 183};
  // After a final outcome (refused, not competent, inadmissible, withdrawn, issued) the
  // temporary copy is reduced to contact data after this; the register keeps the decision.
  std::chrono::hours closed{24 * 30};
  // Idle sessions are removed after this (they expire much earlier).
  std::chrono::hours sessions{24 * 2};
  // Finished jobs are deleted after this: delivered e-mails keep addresses and texts (the
  // standard form of a decision, for a person without an account), so the outbox keeps them
  // only as long as someone may ask whether a message went out.
  std::chrono::hours finished_jobs{24 * 30};
  // E-mails given up (after their retries) are deleted after this; other jobs given up (a file
  // for the national system, an export to the EES) stay until an operator deals with them.
  std::chrono::hours dead_mail{24 * 90};
};

// What the national system receives for an accepted application (VIS 7d(10)).
// NOLINTNEXTLINE(bugprone-exception-escape): clang-tidy 14 misreads nlohmann::json's noexcept move
struct TransferPackage {
  nlohmann::json file;  // the application: form, pre-checks, lodging record, declarations
  std::vector<std::pair<ApplicationDocument, Bytes>> documents;
};

class RetentionService {
 public:
  RetentionService(Store& store, const Clock& clock, RetentionPolicy policy = {});

  // The accepted application as the national system receives it. Errors: "not-found",
  // "invalid-transition" (not accepted, or already transferred).
  Result<TransferPackage> PrepareTransfer(const ApplicationId& id);

  // VIS 7d(10): after the national system took the file, deletes it from temporary storage
  // except the contact data linked to the account. Idempotent.
  Status CompleteTransfer(const ApplicationId& id);

  struct Report {
    int drafts_deleted = 0;
    int incomplete_deleted = 0;
    int closed_reduced = 0;
    int closed_deleted = 0;  // closed with nothing in the register: nothing left to keep
    std::int64_t sessions_deleted = 0;
    std::int64_t tokens_deleted = 0;      // expired e-mail confirmation and password links
    int register_records_deleted = 0;     // applications, VIS Art 23(1)
    int register_records_unreadable = 0;  // set aside, see the audit trail
    std::int64_t jobs_deleted = 0;        // finished jobs, e-mails among them
  };
  // The scheduled retention job: temporary storage by `policy`, the register by VIS Art 23(1).
  Result<Report> Apply();

 private:
  Status Reduce(UnitOfWork& uow, Application& a, const std::string& reason);
  // Deletes `a` and its messages, with the audit entry `action`.
  Status Forget(UnitOfWork& uow, const Application& a, const std::string& action);

  Store& store_;
  const Clock& clock_;
  RetentionPolicy policy_;
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_RETENTION_H_
