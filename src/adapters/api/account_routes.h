#ifndef OPENVAP_ADAPTERS_API_ACCOUNT_ROUTES_H_
#define OPENVAP_ADAPTERS_API_ACCOUNT_ROUTES_H_

// The secure account service over HTTP (VAP-ACCT): registration, e-mail verification, sign-in
// with the second factor, TOTP enrolment, consent, and administrators' staff accounts and
// service provider keys. Also the Authenticator that turns the session cookie and service
// provider keys into principals.

#include <memory>
#include <string>

#include "adapters/api/api.h"
#include "domain/account_service.h"

namespace openvap::api {

inline constexpr const char* kSessionCookie = "openvap_session";

struct CookiePolicy {
  bool secure = false;  // add `Secure` (set when the platform is served over https)
  std::chrono::hours max_age{12};
};

class AccountAuthenticator final : public Authenticator {
 public:
  explicit AccountAuthenticator(domain::AccountService& accounts) : accounts_(accounts) {}
  Result<Authenticated> Authenticate(const http::Request& request,
                                     AuthScheme scheme) const override;

 private:
  domain::AccountService& accounts_;
};

// The value of cookie `name` in the request's Cookie headers, or "".
std::string CookieValue(const http::Request& request, std::string_view name);

void AddAccountRoutes(Api& api, domain::AccountService& accounts, CookiePolicy cookies);

}  // namespace openvap::api

#endif  // OPENVAP_ADAPTERS_API_ACCOUNT_ROUTES_H_
