#ifndef OPENVAP_DOMAIN_REGISTER_RETENTION_H_
#define OPENVAP_DOMAIN_REGISTER_RETENTION_H_

// How long the register keeps what it holds on an application: its file, the biometrics taken
// for it, its decisions and visas (VIS Art 23(1), as amended by Regulation (EU) 2021/1134; the
// form's declaration D3: "for a maximum period of five years"). The five years run from:
//   (a) the expiry date of the visa, if one was issued; (b) its new expiry date, if extended;
//   (c) the creation of the application file (at acceptance), if the application was withdrawn
//       or closed without a decision on the visa (not competent, inadmissible);
//   (d) the date of the decision, if the visa was refused, annulled or revoked (a refused
//       confirmation revokes it, VC Art 32a(9)).
// When more than one applies (a visa issued and later revoked, two visas), the latest start
// counts. The last day kept is the same date five years on (a period in years ends on the same
// date, Reg (EEC, Euratom) No 1182/71 Art 3(2)(c)); the records are deleted the day after. The
// seeds do not carry Art 23: its rule is taken from Regulation (EC) No 767/2008 as amended by
// Regulation (EU) 2021/1134.

#include <openvap/result.h>

#include <optional>
#include <vector>

#include "base/time.h"
#include "domain/store.h"

namespace openvap::domain {

inline constexpr int kRegisterRetentionYears = 5;

// What the register holds on one application, and whether its applicant withdrew it. `visas`
// are its own and those its decisions concern (an extension asked for in an application of its
// own).
struct RegisterRecords {
  std::optional<ApplicationFile> file;
  std::vector<Decision> decisions;
  std::vector<DigitalVisa> visas;
  bool withdrawn = false;

  bool empty() const { return !file && decisions.empty() && visas.empty(); }
};

// The last day the register keeps `records`; nullopt while none of (a)-(d) applies (the file
// is still being examined) or there is nothing.
std::optional<Date> RegisterRetainedUntil(const RegisterRecords& records);

// The register's records of `application`, and its status in temporary storage.
Result<RegisterRecords> LoadRegisterRecords(UnitOfWork& uow, const ApplicationId& application);

// Works out the period of `application` again and records it (Register::KeepUntil). Call in the
// same unit of work as every change of the register's records of an application. Nothing is
// recorded for an application the register holds nothing of.
Status ReviewRegisterRetention(UnitOfWork& uow, const ApplicationId& application);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_REGISTER_RETENTION_H_
