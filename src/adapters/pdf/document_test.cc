// Tests of adapters/pdf (RP-ISSUE, RP-INCL, DV-SEAL): a residence permit and a visa
// notification are rendered, rasterised by poppler (pdftoppm -r 150 / 300) and their barcode
// scanned back to the identical payload; pdftotext finds the bilingual labels and values in
// Cyrillic and Greek; pdfinfo finds the metadata; the output is reproducible.

#include "adapters/pdf/document.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/barcode/barcode.h"
#include "adapters/barcode/image.h"
#include "base/time.h"
#include "support/process.h"
#include "support/test_files.h"

// LeakSanitizer (the ASan test run): fontconfig, loaded by Pango, keeps its parsed
// configuration and font cache for the life of the process and never frees them; these are not
// leaks of this code. Read by LSan when the test binary starts.
// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming)
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace openvap::pdf {
namespace {

using openvap::testing::RunCommand;
using openvap::testing::TempDir;

using openvap::testing::ReadFileBytes;
using openvap::testing::WriteFileBytes;

Timestamp At(const char* iso) { return ParseIsoTimestamp(iso).value(); }

// A synthetic 300 x 400 "portrait": a face-coloured ellipse on a pale background.
barcode::RasterImage Portrait() {
  barcode::RasterImage image;
  image.width = 300;
  image.height = 400;
  image.channels = 3;
  image.pixels.resize(std::size_t{300} * 400 * 3);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const double dx = (x - 150) / 100.0;
      const double dy = (y - 170) / 130.0;
      const bool face = dx * dx + dy * dy < 1;
      image.At(x, y, 0) = face ? 224 : 200;
      image.At(x, y, 1) = face ? 172 : 215;
      image.At(x, y, 2) = face ? 140 : 235;
    }
  return image;
}

// A seal of a residence permit from the third-party vectors (vdstools: residentPermit).
Bytes ResidencePermitSeal() {
  for (const testing::SealVector& v : testing::ReadSealVectors()) {
    if (v.id == "vdstools:residentPermit") return FromHex(v.payload).value();
  }
  ADD_FAILURE() << "vector vdstools:residentPermit not found";
  return {};
}

PrintableDocument ResidencePermit() {
  PrintableDocument d;
  d.language = "bg";
  d.title_primary = "Разрешение за пребиваване";
  d.title_secondary = "Residence permit";
  d.document_number = "BG-RP-2025-000123";
  d.issuer =
      "Република България — Дирекция „Миграция“ / Republic of Bulgaria — Migration Directorate";
  d.fields = {
      {"Фамилия", "Surname", "ДИМИТРОВА / DIMITROVA"},
      {"Име", "Given names", "Мария Елена / Maria Elena"},
      {"Дата на раждане", "Date of birth", "1990-04-17"},
      {"Гражданство", "Nationality", "UKR"},
      {"Вид на разрешението", "Type of permit", "Продължително пребиваване / Long-term stay"},
      {"Основание", "Grounds", "Работа / Employment — Art. 24(1)"},
      {"Валидно от", "Valid from", "2025-03-01"},
      {"Валидно до", "Valid until", "2026-02-28"},
      {"Забележки", "Remarks", "Достъп до пазара на труда / Access to the labour market: yes"},
  };
  d.photo = barcode::EncodeJpeg(Portrait(), 85).value();
  d.barcode_payload = ResidencePermitSeal();
  d.symbology = barcode::Symbology::kDataMatrix;
  d.verify_text =
      "Как да проверите: сканирайте кода с приложението за проверка или отворете адреса.\n"
      "How to verify: scan the code with the verification app or open the address.";
  d.verify_url = "https://verify.example.bg/rp/BG-RP-2025-000123";
  d.created = At("2025-03-01T09:30:00Z");
  return d;
}

PrintableDocument VisaNotification() {
  PrintableDocument d;
  d.language = "el";
  d.title_primary = "Ειδοποίηση ψηφιακής θεώρησης";
  d.title_secondary = "Digital visa notification";
  d.document_number = "GRC-C-000456789";
  d.issuer =
      "Ελληνική Δημοκρατία — Υπουργείο Εξωτερικών / Hellenic Republic — Ministry of Foreign "
      "Affairs";
  d.fields = {
      {"Επώνυμο", "Surname", "ŽELJKO-ÖZTÜRK"},
      {"Όνομα", "Given names", "Ana Łucja"},
      {"Τύπος θεώρησης", "Type of visa", "C"},
      {"Ισχύει για", "Valid for", "Κράτη Σένγκεν / Schengen States"},
      {"Από", "From", "2025-06-01"},
      {"Έως", "Until", "2025-08-30"},
      {"Αριθμός εισόδων", "Number of entries", "MULT"},
      {"Διάρκεια παραμονής", "Duration of stay", "30 ημέρες / days"},
  };
  d.barcode_payload = Bytes();
  const std::string idb = "RDB1BNK6ADJL2PHJ4BVGXKZJ2MLBSGEYTAMZZGQ3TEOBZGE2TIMBSGE3TKNZRGAZDEMJSGQ";
  d.barcode_payload.assign(idb.begin(), idb.end());
  d.symbology = barcode::Symbology::kQrCode;
  d.verify_text = "Επαλήθευση / Verification: scan the QR code.";
  d.verify_url = "https://verify.example.gr/visa";
  d.created = At("2025-05-20T12:00:00Z");
  return d;
}

struct Rasterised {
  std::vector<Bytes> pages;  // PNG files, one per page
};

Rasterised RasterisePdf(const Bytes& pdf, int dpi, const TempDir& dir) {
  const std::string pdf_path = dir.path() + "/doc.pdf";
  WriteFileBytes(pdf_path, pdf);
  const std::string prefix = dir.path() + "/page" + std::to_string(dpi);
  auto result = RunCommand(
      {"/usr/bin/pdftoppm", "-r", std::to_string(dpi), "-gray", "-png", pdf_path, prefix});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  Rasterised out;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".png") files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) out.pages.push_back(ReadFileBytes(f));
  return out;
}

std::string PdfText(const Bytes& pdf, const TempDir& dir) {
  const std::string pdf_path = dir.path() + "/text.pdf";
  WriteFileBytes(pdf_path, pdf);
  auto result = RunCommand({"/usr/bin/pdftotext", "-enc", "UTF-8", pdf_path, "-"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  // Lines wrap where the layout needs: compare with runs of white space made one space.
  std::string text;
  for (const char c : result.out) {
    const bool space = c == ' ' || c == '\n' || c == '\f' || c == '\t';
    if (space && (text.empty() || text.back() == ' ')) continue;
    text += space ? ' ' : c;
  }
  return text;
}

std::string PdfInfo(const Bytes& pdf, const TempDir& dir) {
  const std::string pdf_path = dir.path() + "/info.pdf";
  WriteFileBytes(pdf_path, pdf);
  auto result = RunCommand({"/usr/bin/pdfinfo", "-isodates", pdf_path});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

// Scans every page, the last (where the barcode is) first; returns the first payload found.
std::optional<barcode::ScanResult> ScanPages(const Rasterised& r) {
  std::vector<Bytes> last_first(r.pages.rbegin(), r.pages.rend());
  for (const Bytes& page : last_first) {
    auto scanned = barcode::ScanImageFile(page);
    if (scanned.ok()) return *scanned;
  }
  return std::nullopt;
}

TEST(RenderPdf, ResidencePermitScansAt150And300Dpi) {
  TempDir dir;
  const PrintableDocument doc = ResidencePermit();
  auto pdf = RenderPdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  for (const int dpi : {150, 300}) {
    const Rasterised pages = RasterisePdf(*pdf, dpi, dir);
    ASSERT_EQ(pages.pages.size(), 1U);
    auto found = ScanPages(pages);
    ASSERT_TRUE(found) << "no barcode found on the page at " << dpi << " dpi";
    EXPECT_EQ(found->payload, doc.barcode_payload);
    EXPECT_EQ(found->symbology, barcode::Symbology::kDataMatrix);
    std::cout << "[ info ] residence permit at " << dpi << " dpi: found by " << found->method
              << "\n";
  }
}

TEST(RenderPdf, VisaNotificationWithQrScansAt150Dpi) {
  TempDir dir;
  const PrintableDocument doc = VisaNotification();
  auto pdf = RenderPdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  auto found = ScanPages(RasterisePdf(*pdf, 150, dir));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->payload, doc.barcode_payload);
  EXPECT_EQ(found->symbology, barcode::Symbology::kQrCode);
}

TEST(RenderPdf, LargestSealScansAt150Dpi) {
  TempDir dir;
  PrintableDocument doc = ResidencePermit();
  doc.barcode_payload.resize(1500);
  for (std::size_t i = 0; i < doc.barcode_payload.size(); ++i)
    doc.barcode_payload[i] = static_cast<std::uint8_t>((i * 131 + 7) % 256);
  auto pdf = RenderPdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  auto found = ScanPages(RasterisePdf(*pdf, 150, dir));
  ASSERT_TRUE(found) << "a 144 x 144 DataMatrix at 0.5 mm was not found at 150 dpi";
  EXPECT_EQ(found->payload, doc.barcode_payload);
  std::cout << "[ info ] 1500-byte seal at 150 dpi: found by " << found->method << "\n";
}

TEST(RenderPdf, TextHasTheBilingualLabelsAndValues) {
  TempDir dir;
  auto permit = RenderPdf(ResidencePermit());
  ASSERT_TRUE(permit.ok());
  const std::string text = PdfText(*permit, dir);
  for (const char* expected :
       {"Разрешение за пребиваване", "Residence permit", "BG-RP-2025-000123", "Фамилия / Surname",
        "ДИМИТРОВА / DIMITROVA", "Дата на раждане / Date of birth", "Валидно до / Valid until",
        "2026-02-28", "Дирекция „Миграция“", "https://verify.example.bg/rp/BG-RP-2025-000123",
        "Как да проверите", "How to verify"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
  auto visa = RenderPdf(VisaNotification());
  ASSERT_TRUE(visa.ok());
  const std::string visa_text = PdfText(*visa, dir);
  for (const char* expected : {"Ειδοποίηση ψηφιακής θεώρησης", "Digital visa notification",
                               "Επώνυμο / Surname", "ŽELJKO-ÖZTÜRK", "Ana Łucja",
                               "Διάρκεια παραμονής / Duration of stay", "30 ημέρες / days"}) {
    EXPECT_NE(visa_text.find(expected), std::string::npos) << "missing: " << expected << "\n"
                                                           << visa_text;
  }
}

TEST(RenderPdf, MetadataComesFromTheDocumentAndItsClock) {
  TempDir dir;
  auto pdf = RenderPdf(ResidencePermit());
  ASSERT_TRUE(pdf.ok());
  const std::string info = PdfInfo(*pdf, dir);
  EXPECT_NE(info.find("Разрешение за пребиваване / Residence permit"), std::string::npos) << info;
  EXPECT_NE(info.find("Republic of Bulgaria"), std::string::npos) << info;
  EXPECT_NE(info.find("2025-03-01T09:30:00"), std::string::npos) << info;
  EXPECT_NE(info.find("Creator:         OpenVAP"), std::string::npos) << info;
  EXPECT_NE(info.find("Tagged:          yes"), std::string::npos) << info;
  EXPECT_NE(info.find("Page size:       595.276 x 841.89 pts (A4)"), std::string::npos) << info;
}

TEST(RenderPdf, IsReproducible) {
  const PrintableDocument doc = ResidencePermit();
  auto first = RenderPdf(doc);
  auto second = RenderPdf(doc);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  PrintableDocument later = doc;
  later.created = At("2025-03-02T09:30:00Z");
  auto third = RenderPdf(later);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*first, *third);
}

TEST(RenderPdf, ManyFieldsContinueOnFurtherPages) {
  TempDir dir;
  PrintableDocument doc = VisaNotification();
  doc.symbology = barcode::Symbology::kDataMatrix;
  for (int i = 0; i < 30; ++i)
    doc.fields.push_back({"Σημείωση " + std::to_string(i), "Note " + std::to_string(i),
                          "Τιμή / value " + std::to_string(i)});
  auto pdf = RenderPdf(doc);
  ASSERT_TRUE(pdf.ok());
  const Rasterised pages = RasterisePdf(*pdf, 150, dir);
  EXPECT_GE(pages.pages.size(), 2U);
  auto found = ScanPages(pages);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->payload, doc.barcode_payload);
  EXPECT_NE(PdfText(*pdf, dir).find("Note 29"), std::string::npos);
}

TEST(RenderPdf, PngPhotoAndNoPhotoWork) {
  PrintableDocument doc = ResidencePermit();
  doc.photo = barcode::EncodePng(Portrait()).value();
  EXPECT_TRUE(RenderPdf(doc).ok());
  doc.photo.reset();
  EXPECT_TRUE(RenderPdf(doc).ok());
}

TEST(RenderPdf, BadInputGivesNamedErrors) {
  PrintableDocument doc = ResidencePermit();
  doc.photo = Bytes{0xff, 0xd8, 0xff, 0x00, 0x01};
  auto bad_photo = RenderPdf(doc);
  ASSERT_FALSE(bad_photo.ok());
  EXPECT_EQ(bad_photo.error().code, "invalid-photo");
  doc.photo = Bytes{'G', 'I', 'F', '8'};
  EXPECT_EQ(RenderPdf(doc).error().code, "invalid-photo");

  doc = ResidencePermit();
  doc.fields[0].value = "\xc3\x28";  // invalid UTF-8
  auto bad_text = RenderPdf(doc);
  ASSERT_FALSE(bad_text.ok());
  EXPECT_EQ(bad_text.error().code, "invalid-text");
  EXPECT_NE(bad_text.error().message.find("field 1 value"), std::string::npos);

  doc = ResidencePermit();
  doc.barcode_payload.clear();
  EXPECT_EQ(RenderPdf(doc).error().code, "empty-payload");
}

TEST(PrintedModuleSize, StaysBetweenHalfAndOneMillimetre) {
  EXPECT_DOUBLE_EQ(PrintedModuleSizeMm(144), 0.5);
  EXPECT_DOUBLE_EQ(PrintedModuleSizeMm(120), 0.5);
  EXPECT_DOUBLE_EQ(PrintedModuleSizeMm(80), 0.75);
  EXPECT_DOUBLE_EQ(PrintedModuleSizeMm(24), 1.0);
}

}  // namespace
}  // namespace openvap::pdf
