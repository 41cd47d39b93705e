#ifndef OPENVAP_ADAPTERS_STORAGE_DOCUMENTS_H_
#define OPENVAP_ADAPTERS_STORAGE_DOCUMENTS_H_

// Domain aggregates as the JSON documents stored in their rows' `doc` column. Instants are
// milliseconds since the epoch, dates ISO text. Reading tolerates missing keys (defaults), so
// that adding a field needs no migration of old rows.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "domain/account.h"
#include "domain/application.h"
#include "domain/decision.h"
#include "domain/payment.h"
#include "domain/store.h"
#include "domain/visa.h"

namespace openvap::storage {

std::int64_t ToMillis(Timestamp t);
Timestamp FromMillis(std::int64_t ms);
// The text a document is stored as: compact; text that is not UTF-8 is replaced, not refused.
std::string Dump(const nlohmann::json& doc);

nlohmann::json ToDoc(const domain::Account& a);
domain::Account AccountFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::Session& s);
domain::Session SessionFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::OneTimeToken& t);
domain::OneTimeToken TokenFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::ServiceProviderKey& k);
domain::ServiceProviderKey ProviderKeyFromDoc(const nlohmann::json& j);
// An application is stored as a document plus, beside it, the pre-check details when they are
// the JSON text the platform writes (column `precheck_details`): a few kB kept as they are
// instead of escaped into the document on every submission and unescaped on every read
// (docs/PERFORMANCE.md). DetailsKeptApart is that text, or null when the details go into the
// document (no pre-checks, details held as a JSON value by an older record, or a text that a text
// column would not give back as it is: with a NUL or invalid UTF-8, see IsUtf8WithoutNul).
const std::string* DetailsKeptApart(const domain::Application& a);
// The document (without the details kept apart), as a tree and as the text stored, written
// directly: the form and the details are not copied into a tree first. A write that has
// DetailsKeptApart(a) already passes it (working it out scans the details).
nlohmann::json ToDoc(const domain::Application& a);
std::string ApplicationDocText(const domain::Application& a);
std::string ApplicationDocText(const domain::Application& a, const std::string* details_kept_apart);
// `a` as a read of its stored document gives it back: instants to the millisecond, details
// that go into the document as text with invalid UTF-8 replaced. `details_kept_apart`:
// DetailsKeptApart(a) != nullptr, for a write that has it already.
domain::Application AsStored(domain::Application a);
domain::Application AsStored(domain::Application a, bool details_kept_apart);
// The application of a stored document and the details kept apart beside it (null: none).
domain::Application ApplicationFromDoc(const nlohmann::json& j,
                                       const std::string* details_kept_apart = nullptr);
// The same, moving the large parts (form, pre-check details, chip data) out of `j`.
domain::Application ApplicationFromDoc(nlohmann::json&& j,
                                       std::optional<std::string> details_kept_apart);
nlohmann::json ToDoc(const domain::ApplicationDocument& d);
domain::ApplicationDocument DocumentFromDoc(const nlohmann::json& j);
// A message's stored document, written directly as JSON text.
std::string MessageDocText(const domain::AccountMessage& m);
domain::AccountMessage MessageFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::ApplicationFile& f);
domain::ApplicationFile FileFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::BiometricsOnRecord& r);
domain::BiometricsOnRecord BiometricsFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::DigitalVisa& v);
domain::DigitalVisa VisaFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::Decision& d);
domain::Decision DecisionFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::Payment& p);
domain::Payment PaymentFromDoc(const nlohmann::json& j);
nlohmann::json ToDoc(const domain::AppointmentSlot& s);
domain::AppointmentSlot SlotFromDoc(const nlohmann::json& j);

}  // namespace openvap::storage

#endif  // OPENVAP_ADAPTERS_STORAGE_DOCUMENTS_H_
