#ifndef OPENVAP_DOMAIN_APPLICATION_STATUS_H_
#define OPENVAP_DOMAIN_APPLICATION_STATUS_H_

// The life of a visa application on the platform (VIS Arts 7b-7d, 7g; VC Arts 18, 19, 23, 32)
// as a state machine. Every change of status goes through CheckTransition, which knows which
// role may move an application from which state to which.
//
//   draft --submit--> submitted --(automated pre-checks admissible)--> notified
//     |                  |  (missing parts: the applicant completes them, 7d(8))
//     |                  |                                 notified --accept--> accepted
//     |                  |                                 notified --decline--> not-competent
//     |                  |                                 notified --reject--> inadmissible
//     |                  |                                 accepted --decide--> issued | refused
//     +--- withdraw ----- + ------- withdraw (any state before a decision) ----> withdrawn

#include <openvap/result.h>

#include <string_view>

#include "domain/principal.h"

namespace openvap::domain {

enum class ApplicationStatus {
  kDraft,         // being filled in, in several steps (VIS 7b(4))
  kSubmitted,     // submitted with the declarations (7d(6)); the automated admissibility
                  // pre-check found parts missing, which the applicant can complete (7d(8))
  kNotified,      // admissible by the automated pre-check; notified to the consulate or
                  // central authority with both pre-check results (7d(8))
  kAccepted,      // competence and admissibility confirmed (7d(9)); file transferred to the
                  // national system (7d(10)); under examination (VC Art 23)
  kNotCompetent,  // the notified state is not competent (7d(11); VC Art 18(4))
  kInadmissible,  // the manual admissibility check failed (VC Art 19(3))
  kIssued,        // a visa was issued (VC Art 24-27)
  kRefused,       // the visa was refused (VC Art 32)
  kWithdrawn,     // the applicant withdrew the application
};

enum class ApplicationKind {
  kShortStayVisa,     // uniform (C) or airport transit (A) visa, VC Art 1
  kLongStayVisa,      // national long-stay D visa (CISA Art 18; DV-LONG)
  kVisaExtension,     // VC Art 33 (VAP-EXT)
  kVisaConfirmation,  // confirmation of a valid visa in a new travel document (VC Art 32a)
};

std::string_view ApplicationStatusName(ApplicationStatus status);
Result<ApplicationStatus> ParseApplicationStatus(std::string_view name);
std::string_view ApplicationKindName(ApplicationKind kind);
Result<ApplicationKind> ParseApplicationKind(std::string_view name);

// True while the applicant may still change the form and the documents (before the file is
// notified to a consulate).
bool IsEditableByApplicant(ApplicationStatus status);

// True once a final outcome is reached.
bool IsFinal(ApplicationStatus status);

// Whether `actor` may move an application from `from` to `to`. Errors: "invalid-transition"
// (the law does not allow that step from this state) and "forbidden" (this role may not take
// it). Ownership and the actor's Member State are checked by the use cases, not here.
Status CheckTransition(ApplicationStatus from, ApplicationStatus to, Role actor);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_APPLICATION_STATUS_H_
