#ifndef OPENVAP_ADAPTERS_API_ACCOUNT_PAGES_H_
#define OPENVAP_ADAPTERS_API_ACCOUNT_PAGES_H_

// The pages behind the links the platform e-mails (VAP-ACCT): `/verify-email?token=` confirms
// the address of a new account, `/reset-password?token=` sets a new password. A person opens
// them from their mailbox, often on a telephone, so they are plain HTML forms that work without
// JavaScript. Opening the link changes nothing (mail scanners fetch links); the button posts
// the form, which does what `POST /api/v1/accounts/verify-email` and
// `POST /api/v1/accounts/password-reset/confirm` do. The token is in the address, so the pages
// send no Referer, are never cached and cannot be framed. `/applications/{id}/payment` is where
// the payment provider's hosted page sends the browser back (VAP-PAY): it says what the outcome
// means and reads nothing.

#include "adapters/http/router.h"
#include "domain/account_service.h"

namespace openvap::api {

void MountAccountPages(http::Router& router, domain::AccountService& accounts);

}  // namespace openvap::api

#endif  // OPENVAP_ADAPTERS_API_ACCOUNT_PAGES_H_
