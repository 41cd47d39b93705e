#ifndef OPENVAP_ADAPTERS_API_PLATFORM_ROUTES_H_
#define OPENVAP_ADAPTERS_API_PLATFORM_ROUTES_H_

// The routes of the procedure over the domain's services (issue 5): the applicant's
// application, payment and appointment; the consulate's queue and decisions; the service
// provider gateway; verification; the digital visa as barcode and PDF.

#include <functional>
#include <string>

#include "adapters/api/api.h"
#include "domain/application_service.h"
#include "domain/examination_service.h"
#include "domain/lodging_service.h"
#include "domain/verification_service.h"

namespace openvap::api {

struct PlatformServices {
  domain::ApplicationService& applications;
  domain::ExaminationService& examination;
  domain::PaymentService& payments;
  domain::AppointmentService& appointments;
  domain::InPersonVisitService& visits;
  domain::VerificationService& verification;
  domain::Store& store;  // messages of the account
  const Clock& clock;
  std::string base_url;  // for the verification link printed on PDFs
};

void AddApplicantRoutes(Api& api, PlatformServices& services);
void AddConsulateRoutes(Api& api, PlatformServices& services);
// The visit in person (VC Arts 12(4)-(6), 13): at the provider, through its gateway with its
// own key scheme (VIS Art 7f), and at the consulate when its own slot was booked (VIS 7e(2)).
void AddServiceProviderRoutes(Api& api, PlatformServices& services);
void AddConsulateVisitRoutes(Api& api, PlatformServices& services);
void AddVerificationRoutes(Api& api, PlatformServices& services);

// POST .../slots and .../payment-in-person for consulates and service providers alike.
http::Response PublishSlots(PlatformServices& services, CallContext& c);
// The request schema of PublishSlots.
nlohmann::json SlotOffersSchema();
http::Response RecordPaymentInPerson(PlatformServices& services, CallContext& c);

}  // namespace openvap::api

#endif  // OPENVAP_ADAPTERS_API_PLATFORM_ROUTES_H_
