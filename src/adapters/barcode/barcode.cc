#include "adapters/barcode/barcode.h"

#define ZX_USE_UTF8 1  // zxing-cpp 1.4: the std::string API of Result::text()
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <exception>

namespace openvap::barcode {
namespace {

ZXing::BarcodeFormat ZxingFormat(Symbology symbology) {
  return symbology == Symbology::kDataMatrix ? ZXing::BarcodeFormat::DataMatrix
                                             : ZXing::BarcodeFormat::QRCode;
}

// Per QR error-correction level L, M, Q, H: the value zxing-cpp 1.4's
// MultiFormatWriter::setEccLevel takes (0..8, mapped by (level - 1) / 2 onto L..H), and the
// byte-mode capacity of version 40 (ISO/IEC 18004 Table 7).
struct QrLevel {
  int zxing_level;
  std::size_t capacity;
};
constexpr QrLevel kQrLevels[] = {{2, 2953}, {4, 2331}, {6, 1663}, {8, 1273}};

const QrLevel& QrLevelOf(QrErrorCorrection level) {
  return kQrLevels[std::min<std::size_t>(static_cast<std::size_t>(level), 3)];
}

Status CheckRenderArguments(const ModuleMatrix& matrix, int module_px, int quiet_zone) {
  if (module_px < 1 || module_px > 100)
    return Error{"invalid-argument",
                 "the module size must be 1..100, not " + std::to_string(module_px)};
  if (quiet_zone < -1 || quiet_zone > 100)
    return Error{"invalid-argument",
                 "the quiet zone must be 0..100 modules, not " + std::to_string(quiet_zone)};
  if (matrix.width <= 0 || matrix.height <= 0 ||
      matrix.dark.size() != static_cast<std::size_t>(matrix.width) * matrix.height)
    return Error{"invalid-argument", "the module matrix is empty or inconsistent"};
  return Ok();
}

// Decodes a freshly encoded symbol (pure, axis-aligned) and compares it with the payload. The
// 144 x 144 DataMatrix is drawn at 4 pixels a module: libdmtx, which reads it (below), misread
// about one random payload in four of 1304 to 1555 bytes at 2 pixels, and those were refused.
Status CheckRoundTrip(const ModuleMatrix& matrix, ByteView payload) {
  auto raster = RasterizeBarcode(matrix, matrix.width >= 144 ? 4 : 2);
  if (!raster.ok()) return raster.error();
  const ZXing::ImageView view(raster->pixels.data(), raster->width, raster->height,
                              ZXing::ImageFormat::Lum);
  const auto hints = ZXing::DecodeHints()
                         .setFormats(ZxingFormat(matrix.symbology))
                         .setIsPure(true)
                         .setTryRotate(false);
  ZXing::Result result;
  try {
    result = ZXing::ReadBarcode(view, hints);
  } catch (const std::exception&) {  // zxing validates its arguments by throwing
  }
  const ZXing::ByteArray& bytes = result.bytes();
  if (result.isValid() && std::equal(bytes.begin(), bytes.end(), payload.begin(), payload.end()))
    return Ok();
  // zxing-cpp 1.4 cannot read the 144 x 144 DataMatrix it writes; the scanner's libdmtx path
  // does (and agrees with zxing's encoder on that symbol's block interleaving).
  auto scanned = ScanRaster(*raster);
  if (!scanned.ok() ||
      !std::equal(scanned->payload.begin(), scanned->payload.end(), payload.begin(), payload.end()))
    return Error{"encoder-mismatch",
                 "the encoded " + std::string(SymbologyName(matrix.symbology)) +
                     " symbol does not decode back to the payload; it was not rendered"};
  return Ok();
}

}  // namespace

std::string_view SymbologyName(Symbology symbology) {
  return symbology == Symbology::kDataMatrix ? "datamatrix" : "qr";
}

Result<Symbology> ParseSymbology(std::string_view name) {
  if (name == "datamatrix" || name == "dm" || name == "data-matrix") return Symbology::kDataMatrix;
  if (name == "qr" || name == "qrcode" || name == "qr-code") return Symbology::kQrCode;
  return Error{"invalid-symbology",
               "unknown symbology '" + std::string(name) + "' (use datamatrix or qr)"};
}

int RecommendedQuietZone(Symbology symbology) {
  return symbology == Symbology::kDataMatrix ? 2 : 4;
}

Result<ModuleMatrix> EncodeBarcode(ByteView payload, const EncodeOptions& options) {
  if (payload.empty())
    return Error{"empty-payload", "there is nothing to encode: the payload is empty"};
  const bool dm = options.symbology == Symbology::kDataMatrix;
  const std::size_t binary_limit =
      dm ? kMaxDataMatrixBytes : QrLevelOf(options.qr_error_correction).capacity;
  const std::string too_large = "the payload is " + std::to_string(payload.size()) + " bytes; a " +
                                std::string(SymbologyName(options.symbology)) +
                                " symbol holds at most " + std::to_string(binary_limit) +
                                " bytes of binary data" +
                                (dm ? " or 2335 characters of upper-case text (IDB)" : "");
  // Text compacts (C40, alphanumeric, numeric); no symbol holds more than 3116 digits (DM) or
  // 7089 (QR), so only larger payloads are refused before trying.
  if (payload.size() > (dm ? 3116U : 7089U)) return Error{"payload-too-large", too_large};

  // zxing-cpp 1.4 with CharacterSet::BINARY maps each wchar_t 0..255 to that byte.
  const std::wstring contents(payload.begin(), payload.end());
  ZXing::MultiFormatWriter writer(ZxingFormat(options.symbology));
  writer.setEncoding(ZXing::CharacterSet::BINARY).setMargin(0);
  if (options.symbology == Symbology::kQrCode)
    writer.setEccLevel(QrLevelOf(options.qr_error_correction).zxing_level);
  ZXing::BitMatrix bits;
  try {
    bits = writer.encode(contents, 0, 0);
  } catch (const std::exception& e) {
    // Text-mode encodations can need more codewords than the byte count suggests.
    return Error{"payload-too-large", too_large + " (zxing: " + e.what() + ")"};
  }
  ModuleMatrix matrix;
  matrix.symbology = options.symbology;
  matrix.width = bits.width();
  matrix.height = bits.height();
  matrix.standard_quiet_zone = options.symbology == Symbology::kDataMatrix ? 1 : 4;
  matrix.dark.resize(static_cast<std::size_t>(matrix.width) * matrix.height);
  for (int y = 0; y < matrix.height; ++y)
    for (int x = 0; x < matrix.width; ++x)
      matrix.dark[static_cast<std::size_t>(y) * matrix.width + x] = bits.get(x, y);
  OPENVAP_RETURN_IF_ERROR(CheckRoundTrip(matrix, payload));
  return matrix;
}

Result<RasterImage> RasterizeBarcode(const ModuleMatrix& matrix, int module_px, int quiet_zone) {
  OPENVAP_RETURN_IF_ERROR(CheckRenderArguments(matrix, module_px, quiet_zone));
  const int quiet = quiet_zone < 0 ? RecommendedQuietZone(matrix.symbology) : quiet_zone;
  RasterImage image;
  image.width = (matrix.width + 2 * quiet) * module_px;
  image.height = (matrix.height + 2 * quiet) * module_px;
  image.channels = 1;
  image.pixels.assign(static_cast<std::size_t>(image.width) * image.height, 255);
  for (const DarkRun& run : DarkRuns(matrix)) {
    const int x0 = (run.x + quiet) * module_px;
    const int y0 = (run.y + quiet) * module_px;
    for (int dy = 0; dy < module_px; ++dy) {
      auto row = image.pixels.begin() + static_cast<std::ptrdiff_t>(y0 + dy) * image.width;
      std::fill(row + x0, row + x0 + static_cast<std::ptrdiff_t>(run.length) * module_px, 0);
    }
  }
  return image;
}

Result<Bytes> RenderPng(const ModuleMatrix& matrix, int module_px, int quiet_zone) {
  OPENVAP_ASSIGN_OR_RETURN(const RasterImage image,
                           RasterizeBarcode(matrix, module_px, quiet_zone));
  return EncodePng(image);
}

Result<std::string> RenderSvg(const ModuleMatrix& matrix, int module_size, int quiet_zone) {
  OPENVAP_RETURN_IF_ERROR(CheckRenderArguments(matrix, module_size, quiet_zone));
  const int quiet = quiet_zone < 0 ? RecommendedQuietZone(matrix.symbology) : quiet_zone;
  const int width = matrix.width + 2 * quiet;
  const int height = matrix.height + 2 * quiet;
  const std::string w = std::to_string(width);
  const std::string h = std::to_string(height);
  std::string svg;
  svg.reserve(256 + matrix.dark.size() * 4);
  svg += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n";
  svg += R"(<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width=")";
  svg += std::to_string(width * module_size);
  svg += R"(" height=")";
  svg += std::to_string(height * module_size);
  svg += R"(" viewBox="0 0 )";
  svg += w + " " + h;
  svg += R"(" shape-rendering="crispEdges">)"
         "\n";
  svg += "<title>" +
         std::string(matrix.symbology == Symbology::kDataMatrix ? "DataMatrix" : "QR Code") + " " +
         std::to_string(matrix.width) + "x" + std::to_string(matrix.height) + "</title>\n";
  svg += R"(<rect width=")" + w + R"(" height=")" + h +
         R"(" fill="#fff"/>)"
         "\n";
  svg += R"(<path fill="#000" d=")";
  for (const DarkRun& run : DarkRuns(matrix)) {
    svg += "M" + std::to_string(run.x + quiet) + " " + std::to_string(run.y + quiet) + "h" +
           std::to_string(run.length) + "v1h-" + std::to_string(run.length) + "z";
  }
  svg += R"("/>)"
         "\n</svg>\n";
  return svg;
}

std::vector<DarkRun> DarkRuns(const ModuleMatrix& matrix) {
  std::vector<DarkRun> runs;
  for (int y = 0; y < matrix.height; ++y) {
    for (int x = 0; x < matrix.width;) {
      if (!matrix.IsDark(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < matrix.width && matrix.IsDark(x, y)) ++x;
      runs.push_back(DarkRun{start, y, x - start});
    }
  }
  return runs;
}

Result<std::string> RenderBarcodeImage(ByteView payload, const EncodeOptions& options,
                                       ImageFormat format, int module_size, int quiet_zone) {
  OPENVAP_ASSIGN_OR_RETURN(const ModuleMatrix matrix, EncodeBarcode(payload, options));
  if (format == ImageFormat::kSvg) return RenderSvg(matrix, module_size, quiet_zone);
  OPENVAP_ASSIGN_OR_RETURN(const Bytes png, RenderPng(matrix, module_size, quiet_zone));
  return AsString(png);
}

}  // namespace openvap::barcode
