#include "adapters/pdf/document.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "adapters/barcode/image.h"
#include "base/time.h"

namespace openvap::pdf {
namespace {

// A4 portrait in PostScript points; the layout is written in millimetres.
constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double kPageWidthMm = 210;
constexpr double kPageHeightMm = 297;
constexpr double kMarginMm = 18;
constexpr double kFooterMm = 12;  // reserved at the bottom of every page
constexpr double kPhotoWidthMm = 35;
constexpr double kPhotoHeightMm = 45;
constexpr double kGapMm = 6;
constexpr const char* kFontFamily = "DejaVu Sans";

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoDeleter>;
using FontPtr = std::unique_ptr<PangoFontDescription, CairoDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, CairoDeleter>;

cairo_status_t AppendToBytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

struct TextStyle {
  double size_pt = 10;
  bool bold = false;
  bool italic = false;
  bool monospace = false;
  double grey = 0;  // 0 black .. 1 white
};

// Draws on pages, moving down; starts a new page when something does not fit.
class PageWriter {
 public:
  PageWriter(cairo_t* cr, std::string footer, std::string language)
      : cr_(cr), footer_(std::move(footer)), language_(std::move(language)) {}

  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  double Remaining() const { return kPageHeightMm - kMarginMm - kFooterMm - y_; }

  // Lays out `text` at `x` (mm) in a box `width` mm wide; returns its height in mm.
  LayoutPtr Layout(const std::string& text, const TextStyle& style, double width) const {
    LayoutPtr layout(pango_cairo_create_layout(cr_));
    FontPtr font(pango_font_description_new());
    pango_font_description_set_family(font.get(),
                                      style.monospace ? "DejaVu Sans Mono" : kFontFamily);
    pango_font_description_set_weight(font.get(),
                                      style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font.get(),
                                     style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_font_description_set_size(font.get(),
                                    static_cast<int>(std::lround(style.size_pt * PANGO_SCALE)));
    pango_layout_set_font_description(layout.get(), font.get());
    PangoContext* context = pango_layout_get_context(layout.get());
    pango_context_set_language(context, pango_language_from_string(language_.c_str()));
    pango_layout_context_changed(layout.get());
    pango_layout_set_width(layout.get(),
                           static_cast<int>(std::lround(width * kPointsPerMm * PANGO_SCALE)));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
    return layout;
  }

  static double HeightMm(PangoLayout* layout) {
    int width = 0;
    int height = 0;
    pango_layout_get_size(layout, &width, &height);
    return static_cast<double>(height) / PANGO_SCALE / kPointsPerMm;
  }

  void Draw(PangoLayout* layout, double x, double y, double grey) {
    cairo_save(cr_);
    cairo_set_source_rgb(cr_, grey, grey, grey);
    cairo_move_to(cr_, x * kPointsPerMm, y * kPointsPerMm);
    pango_cairo_show_layout(cr_, layout);
    cairo_restore(cr_);
  }

  // Text as a tagged paragraph (or heading) at the current position; moves down.
  void Paragraph(const std::string& text, const TextStyle& style, double x, double width,
                 const char* tag = "P", double space_after = 1.5) {
    if (text.empty()) return;
    LayoutPtr layout = Layout(text, style, width);
    const double height = HeightMm(layout.get());
    EnsureRoom(height);
    cairo_tag_begin(cr_, tag, nullptr);
    Draw(layout.get(), x, y_, style.grey);
    cairo_tag_end(cr_, tag);
    y_ += height + space_after;
  }

  // Starts a new page when less than `height` mm remain.
  void EnsureRoom(double height) {
    if (height <= Remaining() || y_ <= kMarginMm + 0.01) return;
    NewPage();
  }

  void NewPage() {
    FinishPage();
    cairo_show_page(cr_);
    y_ = kMarginMm;
  }

  // The footer of the current page: document number and page number.
  void FinishPage() {
    ++page_;
    const std::string text = footer_ + "  ·  " + std::to_string(page_);
    LayoutPtr layout =
        Layout(text, TextStyle{7.5, false, false, false, 0.35}, kPageWidthMm - 2 * kMarginMm);
    cairo_tag_begin(cr_, "P", nullptr);
    Draw(layout.get(), kMarginMm, kPageHeightMm - kMarginMm, 0.35);
    cairo_tag_end(cr_, "P");
  }

 private:
  cairo_t* cr_;
  std::string footer_;
  std::string language_;
  double y_ = kMarginMm;
  int page_ = 0;
};

bool IsUtf8(const std::string& text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr) != 0;
}

Status CheckText(const PrintableDocument& d) {
  std::vector<std::pair<std::string, const std::string*>> texts = {
      {"language", &d.language},
      {"title_primary", &d.title_primary},
      {"title_secondary", &d.title_secondary},
      {"document_number", &d.document_number},
      {"issuer", &d.issuer},
      {"verify_text", &d.verify_text},
      {"verify_url", &d.verify_url}};
  for (std::size_t i = 0; i < d.fields.size(); ++i) {
    texts.emplace_back("field " + std::to_string(i + 1) + " label", &d.fields[i].label_primary);
    texts.emplace_back("field " + std::to_string(i + 1) + " label", &d.fields[i].label_secondary);
    texts.emplace_back("field " + std::to_string(i + 1) + " value", &d.fields[i].value);
  }
  for (const auto& [name, text] : texts) {
    if (!IsUtf8(*text) || text->find('\0') != std::string::npos)
      return Error{"invalid-text", "the document's " + name + " is not valid UTF-8 text"};
  }
  return Ok();
}

// The facial image as a cairo surface; a JPEG is attached as MIME data so that the PDF embeds
// the original JPEG stream (DCTDecode) instead of re-encoded pixels.
Result<SurfacePtr> PhotoSurface(const Bytes& photo) {
  auto decoded = barcode::DecodeImage(photo, 3);
  if (!decoded.ok())
    return Error{"invalid-photo", "the facial image cannot be used: " + decoded.error().message};
  const barcode::RasterImage& image = *decoded;
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, image.width, image.height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return Error{"invalid-photo", "the facial image is too large to place"};
  cairo_surface_flush(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < image.height; ++y) {
    auto* row =
        reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);  // NOLINT
    for (int x = 0; x < image.width; ++x) {
      row[x] = (static_cast<std::uint32_t>(image.At(x, y, 0)) << 16) |
               (static_cast<std::uint32_t>(image.At(x, y, 1)) << 8) | image.At(x, y, 2);
    }
  }
  cairo_surface_mark_dirty(surface.get());
  auto format = barcode::DetectImageFormat(photo);
  if (format.ok() && *format == barcode::ImageFileFormat::kJpeg) {
    auto* copy = static_cast<unsigned char*>(std::malloc(photo.size()));  // NOLINT: cairo frees
    if (copy != nullptr) {
      std::memcpy(copy, photo.data(), photo.size());
      cairo_surface_set_mime_data(surface.get(), CAIRO_MIME_TYPE_JPEG, copy, photo.size(),
                                  std::free, copy);
    }
  }
  return surface;
}

void DrawPhoto(cairo_t* cr, cairo_surface_t* photo, double x, double y) {
  const int width = cairo_image_surface_get_width(photo);
  const int height = cairo_image_surface_get_height(photo);
  // Fit inside 35 x 45 mm, centred, aspect ratio kept.
  const double scale = std::min(kPhotoWidthMm / width, kPhotoHeightMm / height);
  const double w = width * scale;
  const double h = height * scale;
  const double left = x + (kPhotoWidthMm - w) / 2;
  const double top = y + (kPhotoHeightMm - h) / 2;
  cairo_tag_begin(cr, "Figure", nullptr);
  cairo_save(cr);
  cairo_translate(cr, left * kPointsPerMm, top * kPointsPerMm);
  cairo_scale(cr, scale * kPointsPerMm, scale * kPointsPerMm);
  cairo_set_source_surface(cr, photo, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_tag_end(cr, "Figure");
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 0.3);
  cairo_rectangle(cr, x * kPointsPerMm, y * kPointsPerMm, kPhotoWidthMm * kPointsPerMm,
                  kPhotoHeightMm * kPointsPerMm);
  cairo_stroke(cr);
  cairo_restore(cr);
}

// The barcode as vector rectangles (one fill of every dark run), white quiet zone included.
// Returns the side length drawn, in mm.
void DrawBarcode(cairo_t* cr, const barcode::ModuleMatrix& matrix, double x, double y,
                 double module_mm) {
  const int quiet = barcode::RecommendedQuietZone(matrix.symbology);
  const double m = module_mm * kPointsPerMm;
  cairo_tag_begin(cr, "Figure", nullptr);
  cairo_save(cr);
  cairo_translate(cr, x * kPointsPerMm, y * kPointsPerMm);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, (matrix.width + 2 * quiet) * m, (matrix.height + 2 * quiet) * m);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  for (const barcode::DarkRun& run : barcode::DarkRuns(matrix))
    cairo_rectangle(cr, (run.x + quiet) * m, (run.y + quiet) * m, run.length * m, m);
  cairo_fill(cr);
  cairo_restore(cr);
  cairo_tag_end(cr, "Figure");
}

std::string PdfDate(Timestamp t) {
  // cairo 1.16 takes ISO 8601 "YYYY-MM-DDThh:mm:ssZ" for the Info dictionary dates.
  return FormatIsoTimestamp(t);
}

}  // namespace

double PrintedModuleSizeMm(int modules) {
  if (modules <= 0) return 1.0;
  return std::clamp(60.0 / modules, 0.5, 1.0);
}

Result<Bytes> RenderPdf(const PrintableDocument& document) {
  OPENVAP_RETURN_IF_ERROR(CheckText(document));
  OPENVAP_ASSIGN_OR_RETURN(const barcode::ModuleMatrix matrix,
                           barcode::EncodeBarcode(document.barcode_payload, {document.symbology}));
  SurfacePtr photo;
  if (document.photo) {
    OPENVAP_ASSIGN_OR_RETURN(photo, PhotoSurface(*document.photo));
  }
  const std::string language = document.language.empty() ? "en" : document.language;

  Bytes out;
  SurfacePtr surface(cairo_pdf_surface_create_for_stream(
      AppendToBytes, &out, kPageWidthMm * kPointsPerMm, kPageHeightMm * kPointsPerMm));
  cairo_pdf_surface_restrict_to_version(surface.get(), CAIRO_PDF_VERSION_1_5);
  const std::string title = document.title_secondary.empty()
                                ? document.title_primary
                                : document.title_primary + " / " + document.title_secondary;
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, document.issuer.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT,
                                 document.document_number.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_KEYWORDS,
                                 ("language=" + language).c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "OpenVAP");
  const std::string created = PdfDate(document.created);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, created.c_str());

  CairoPtr cr(cairo_create(surface.get()));
  PageWriter page(cr.get(), document.document_number, language);
  const double content_width = kPageWidthMm - 2 * kMarginMm;
  const double text_width = photo ? content_width - kPhotoWidthMm - kGapMm : content_width;

  cairo_tag_begin(cr.get(), "Document", nullptr);
  // Title block, the photo to its right.
  const double top = page.y();
  page.Paragraph(document.title_primary, {18, true}, kMarginMm, text_width, "H1", 1);
  page.Paragraph(document.title_secondary, {13, false, true, false, 0.25}, kMarginMm, text_width,
                 "H2", 3);
  page.Paragraph(document.document_number, {14, true, false, true}, kMarginMm, text_width, "P", 5);
  if (photo) DrawPhoto(cr.get(), photo.get(), kPageWidthMm - kMarginMm - kPhotoWidthMm, top);

  // Fields: label "primary / secondary" above its value.
  for (const PdfField& field : document.fields) {
    std::string label = field.label_primary;
    if (!field.label_secondary.empty())
      label += label.empty() ? field.label_secondary : " / " + field.label_secondary;
    LayoutPtr label_layout = page.Layout(label, {8, false, false, false, 0.35}, text_width);
    LayoutPtr value_layout =
        page.Layout(field.value.empty() ? "—" : field.value, {11, true}, text_width);
    const double label_h = PageWriter::HeightMm(label_layout.get());
    const double value_h = PageWriter::HeightMm(value_layout.get());
    page.EnsureRoom(label_h + value_h);
    cairo_tag_begin(cr.get(), "P", nullptr);
    page.Draw(label_layout.get(), kMarginMm, page.y(), 0.35);
    page.Draw(value_layout.get(), kMarginMm, page.y() + label_h, 0);
    cairo_tag_end(cr.get(), "P");
    page.set_y(page.y() + label_h + value_h + 2.5);
  }
  // Below the photo in any case.
  if (photo && page.y() < top + kPhotoHeightMm + kGapMm) page.set_y(top + kPhotoHeightMm + kGapMm);

  // The barcode at the left, the verification text at its right.
  const int quiet = barcode::RecommendedQuietZone(matrix.symbology);
  const double module_mm = PrintedModuleSizeMm(std::max(matrix.width, matrix.height));
  const double code_w = (matrix.width + 2 * quiet) * module_mm;
  const double code_h = (matrix.height + 2 * quiet) * module_mm;
  page.set_y(page.y() + kGapMm);
  page.EnsureRoom(code_h);
  const double code_top = page.y();
  DrawBarcode(cr.get(), matrix, kMarginMm - quiet * module_mm, code_top, module_mm);
  const double side_x = kMarginMm + code_w + kGapMm - quiet * module_mm;
  const double side_w = kPageWidthMm - kMarginMm - side_x;
  if (side_w >= 50) {
    page.Paragraph(document.verify_text, {9}, side_x, side_w, "P", 2);
  } else {
    page.set_y(code_top + code_h + 2);
    page.Paragraph(document.verify_text, {9}, kMarginMm, content_width, "P", 2);
  }
  if (!document.verify_url.empty()) {
    const double url_x = side_w >= 50 ? side_x : kMarginMm;
    const double url_w = side_w >= 50 ? side_w : content_width;
    LayoutPtr url = page.Layout(document.verify_url, {9, true, false, true}, url_w);
    const double url_h = PageWriter::HeightMm(url.get());
    page.EnsureRoom(url_h);
    std::string link = "uri='";
    for (const char c : document.verify_url) {
      if (c == '\'' || c == '\\') link += '\\';
      link += c;
    }
    link += "'";
    cairo_tag_begin(cr.get(), CAIRO_TAG_LINK, link.c_str());
    page.Draw(url.get(), url_x, page.y(), 0);
    cairo_tag_end(cr.get(), CAIRO_TAG_LINK);
    page.set_y(page.y() + url_h + 2);
  }
  page.set_y(std::max(page.y(), code_top + code_h) + kGapMm);

  // Issuer and date of issue.
  page.Paragraph(document.issuer, {9, true}, kMarginMm, content_width, "P", 1);
  page.Paragraph(FormatIsoDate(UtcDateOf(document.created)), {8, false, false, false, 0.35},
                 kMarginMm, content_width, "P", 1);
  page.FinishPage();
  cairo_tag_end(cr.get(), "Document");
  cr.reset();
  cairo_surface_finish(surface.get());
  const cairo_status_t status = cairo_surface_status(surface.get());
  if (status != CAIRO_STATUS_SUCCESS)
    return Error{"pdf-render-failed", std::string("cairo: ") + cairo_status_to_string(status)};
  surface.reset();
  return out;
}

}  // namespace openvap::pdf
