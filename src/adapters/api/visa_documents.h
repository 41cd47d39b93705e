#ifndef OPENVAP_ADAPTERS_API_VISA_DOCUMENTS_H_
#define OPENVAP_ADAPTERS_API_VISA_DOCUMENTS_H_

// The digital visa as a holder downloads it (DV-SEAL; RP-INCL's paper path): the signed
// barcode as an image or bytes, and a printable PDF notification with the barcode.

#include <openvap/result.h>

#include <string>
#include <vector>

#include "adapters/api/api.h"
#include "adapters/http/message.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "domain/visa.h"

namespace openvap::api {

// `as`: "png" (default), "svg", "hex" or "raw"; `symbology`: "datamatrix" (default) or "qr".
http::Response SealResponse(const Bytes& seal, const std::string& as, const std::string& symbology);
// `as` and `symbology` for a route's declaration.
std::vector<QueryParameter> SealParameters();

// A4 notification in the issuing state's language and English, with the barcode and the link
// to the verification page.
Result<Bytes> VisaNotificationPdf(const domain::DigitalVisa& visa, const std::string& base_url,
                                  Timestamp now);

}  // namespace openvap::api

#endif  // OPENVAP_ADAPTERS_API_VISA_DOCUMENTS_H_
