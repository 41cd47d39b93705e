#include "adapters/api/account_pages.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <string_view>

#include "adapters/api/api.h"

namespace openvap::api {
namespace {

using http::HtmlEscape;

// A page of the account service: its own headers, because the address carries a token.
http::Response Page(int status, const std::string& title, const std::string& content) {
  http::Response r;
  r.status = status;
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("Referrer-Policy", "no-referrer");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Content-Security-Policy",
              "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      HtmlEscape(title) + " — EU Visa Application Platform</title></head><body><main><h1>" +
      HtmlEscape(title) + "</h1>" + content + "</main></body></html>";
  return r;
}

std::string Alert(const std::string& message) {
  return message.empty() ? "" : "<p role=\"alert\">" + HtmlEscape(message) + "</p>";
}

std::string HiddenToken(const std::string& token) {
  return R"(<input type="hidden" name="token" value=")" + HtmlEscape(token) + R"(">)";
}

// The posted form's fields; none when the body is not a form (a missing field is "").
std::map<std::string, std::string> PostedForm(const http::Request& request) {
  std::map<std::string, std::string> fields;
  const std::string_view type = request.Header("Content-Type");
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded" ||
      !http::ParseQuery(request.body, fields)) {
    return {};
  }
  return fields;
}

constexpr const char* kIncompleteLink =
    "This link is incomplete. Open the whole link from the e-mail, or copy all of it into the "
    "address bar.";

// ---- /verify-email ----

http::Response ConfirmEmailPage(const std::string& token) {
  const std::string title = "Confirm your e-mail address";
  if (token.empty()) return Page(400, title, Alert(kIncompleteLink));
  return Page(200, title,
              "<p>Confirm that this e-mail address belongs to you, to activate your account on "
              "the EU Visa Application Platform.</p><form method=\"post\" "
              "action=\"/verify-email\">" +
                  HiddenToken(token) +
                  "<button type=\"submit\">Confirm my e-mail address</button></form>");
}

http::Response ConfirmEmail(domain::AccountService& accounts, const http::Request& request) {
  auto form = PostedForm(request);
  const std::string& token = form["token"];
  if (token.empty()) return Page(400, "Confirm your e-mail address", Alert(kIncompleteLink));
  const Status done = accounts.VerifyEmail(token);
  if (!done.ok()) {
    return Page(HttpStatusFor(done.error()), "Your e-mail address was not confirmed",
                Alert(done.error().message) +
                    "<p>A confirmation link works once and for a limited time. If your account is "
                    "not active yet, sign in with your e-mail address and password: a new link "
                    "is sent to you.</p>");
  }
  return Page(200, "Your e-mail address is confirmed",
              "<p role=\"status\">Your account is active. Sign in with your e-mail address and "
              "password; at the first sign-in you set up the second factor.</p>");
}

// ---- /reset-password ----

http::Response NewPasswordForm(int status, const std::string& token, const std::string& problem) {
  return Page(status, "Choose a new password",
              Alert(problem) + R"(<form method="post" action="/reset-password">)" +
                  HiddenToken(token) +
                  "<p><label for=\"password\">New password (at least 12 characters)</label><br>"
                  "<input id=\"password\" name=\"password\" type=\"password\" "
                  "autocomplete=\"new-password\" minlength=\"12\" required></p>"
                  "<p><label for=\"repeated\">The same password again</label><br>"
                  "<input id=\"repeated\" name=\"repeated\" type=\"password\" "
                  "autocomplete=\"new-password\" minlength=\"12\" required></p>"
                  "<p>Every session of your account ends. Your second factor stays as it "
                  "is.</p><button type=\"submit\">Set the new password</button></form>");
}

http::Response ChooseNewPassword(domain::AccountService& accounts, const http::Request& request) {
  auto form = PostedForm(request);
  const std::string& token = form["token"];
  if (token.empty()) return Page(400, "Choose a new password", Alert(kIncompleteLink));
  const std::string& password = form["password"];
  if (password != form["repeated"]) {
    return NewPasswordForm(422, token, "The two passwords are not the same. Type them again.");
  }
  const Status done = accounts.ResetPassword(token, password);
  if (done.ok()) {
    return Page(200, "Your password was changed",
                "<p role=\"status\">Sign in with your new password. Every other session of "
                "your account has ended.</p>");
  }
  if (done.error().code == "invalid-token") {
    return Page(HttpStatusFor(done.error()), "Your password was not changed",
                Alert(done.error().message) +
                    "<p>A link to choose a new password works once, within one hour. Ask for a "
                    "new one where you sign in.</p>");
  }
  // A password the policy refuses: the form again, with the reason.
  return NewPasswordForm(HttpStatusFor(done.error()), token, done.error().message);
}

}  // namespace

namespace {

// ---- /applications/{id}/payment ----

// Where the payment provider's hosted page sends the browser back (VAP-PAY), with the outcome
// the provider gave it. It reads nothing: the payment counts when the provider's signed
// notification arrives, which the application then shows.
http::Response PaymentReturnPage(const std::string& id, const std::string& outcome) {
  const bool an_id =
      !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-';
      });
  if (!an_id) return http::ErrorResponse(404, "not-found", "no such application");
  // What each outcome the provider reports means; the application's id is put for "{id}".
  struct Outcome {
    std::string_view name;
    const char* title;
    const char* text;
  };
  static constexpr std::array<Outcome, 4> kOutcomes = {{
      {"paid", "Payment received",
       "The payment provider says it took the payment for application {id}. The platform "
       "records it when the provider's signed confirmation arrives, usually within a minute; "
       "your application then shows the fee as paid. You may close this page."},
      {"declined", "Payment declined",
       "The payment for application {id} was declined and nothing was taken. Start the payment "
       "again from your application, with another card if need be, or pay at the consulate or "
       "the service provider at your visit."},
      {"cancelled", "Payment cancelled",
       "You cancelled the payment for application {id}; nothing was taken. Start it again from "
       "your application when you are ready."},
      {"", "Payment",
       "The payment provider sent you back without saying how the payment for application {id} "
       "ended. Your application shows whether the fee is paid."},
  }};
  const auto* it = std::find_if(kOutcomes.begin(), kOutcomes.end() - 1,
                                [&outcome](const Outcome& o) { return o.name == outcome; });
  std::string text = it->text;
  text.replace(text.find("{id}"), 4, id);
  return Page(200, it->title, "<p>" + HtmlEscape(text) + "</p>");
}

}  // namespace

void MountAccountPages(http::Router& router, domain::AccountService& accounts) {
  router.Add("GET", "/applications/{id}/payment", [](http::Request& r) {
    const auto it = r.query.find("payment");
    return PaymentReturnPage(r.path_params["id"], it == r.query.end() ? "" : it->second);
  });
  router.Add("GET", "/verify-email", [](http::Request& r) {
    const auto it = r.query.find("token");
    return ConfirmEmailPage(it == r.query.end() ? "" : it->second);
  });
  router.Add("POST", "/verify-email",
             [&accounts](http::Request& r) { return ConfirmEmail(accounts, r); });
  router.Add("GET", "/reset-password", [](http::Request& r) {
    const auto it = r.query.find("token");
    if (it == r.query.end() || it->second.empty()) {
      return Page(400, "Choose a new password", Alert(kIncompleteLink));
    }
    return NewPasswordForm(200, it->second, "");
  });
  router.Add("POST", "/reset-password",
             [&accounts](http::Request& r) { return ChooseNewPassword(accounts, r); });
}

}  // namespace openvap::api
