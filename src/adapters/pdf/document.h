#ifndef OPENVAP_ADAPTERS_PDF_DOCUMENT_H_
#define OPENVAP_ADAPTERS_PDF_DOCUMENT_H_

// Printable documents (RP-ISSUE, RP-INCL, DV-SEAL): the digital residence permit and the
// digital visa notification as an A4 PDF with a bilingual title and labels, the holder's facial
// image, the signed barcode drawn as vectors, the issuer and a "how to verify" text. The
// renderer is data-driven: the domain decides which fields appear and in which languages.

#include <openvap/result.h>

#include <optional>
#include <string>
#include <vector>

#include "adapters/barcode/barcode.h"
#include "base/bytes.h"
#include "base/clock.h"

namespace openvap::pdf {

// One labelled value. The primary label is in the issuing state's language, the secondary in
// the second language of the document (usually English); either may be empty. UTF-8.
struct PdfField {
  std::string label_primary;
  std::string label_secondary;
  std::string value;
};

struct PrintableDocument {
  // BCP 47 tag of the primary language ("bg", "el", "de"); recorded in the PDF metadata
  // (keywords) so that assistive technology knows it. Empty: "en".
  std::string language;
  std::string title_primary;    // e.g. "Разрешение за пребиваване"
  std::string title_secondary;  // e.g. "Residence permit"
  std::string document_number;  // printed under the title and in every page footer
  std::string issuer;           // e.g. "Republic of Bulgaria — Migration Directorate"
  std::vector<PdfField> fields;
  // Facial image, JPEG or PNG bytes (JPEG is embedded as is). Printed 35 x 45 mm.
  std::optional<Bytes> photo;
  // The signed barcode's payload (binary VDS or IDB text), drawn as vectors.
  Bytes barcode_payload;
  barcode::Symbology symbology = barcode::Symbology::kDataMatrix;
  // "How to verify" text (both languages, as the caller wants them) and the verification URL,
  // which becomes a link in the PDF.
  std::string verify_text;
  std::string verify_url;
  // Creation time written into the PDF metadata and printed on the page; callers take it from
  // their Clock (never the wall clock here), so output is reproducible.
  Timestamp created;
};

// Module size, in millimetres, at which RenderPdf prints a symbol of `modules` x `modules`:
// the symbol is at most 60 mm wide, but modules never get smaller than 0.5 mm (3 pixels at
// 150 dpi, 6 at 300 dpi) nor larger than 1 mm. A 144 x 144 DataMatrix (1.5 kB) is 72 mm wide.
double PrintedModuleSizeMm(int modules);

// Renders the document as PDF bytes: A4 portrait, DejaVu Sans through Pango (Latin with
// diacritics, Greek and Cyrillic), tagged structure (headings, paragraphs, figures, link) and
// metadata (title, author = issuer, creator, creation date = `created`). Deterministic: the same
// document gives the same bytes. Fields that do not fit continue on a new page.
// Errors: "invalid-text" (a string is not UTF-8), "invalid-photo" (not a decodable JPEG/PNG),
// errors of barcode::EncodeBarcode (e.g. "empty-payload", "payload-too-large"),
// "pdf-render-failed".
Result<Bytes> RenderPdf(const PrintableDocument& document);

}  // namespace openvap::pdf

#endif  // OPENVAP_ADAPTERS_PDF_DOCUMENT_H_
