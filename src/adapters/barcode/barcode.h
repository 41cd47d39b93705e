#ifndef OPENVAP_ADAPTERS_BARCODE_BARCODE_H_
#define OPENVAP_ADAPTERS_BARCODE_BARCODE_H_

// 2D barcodes for signed documents (DV-SEAL, RP-ISSUE, RP-OFFLINE, RP-INCL): a payload of
// arbitrary bytes (a binary ICAO VDS, or IDB text "RDB1...") becomes a DataMatrix (ISO/IEC
// 16022, ECC 200) or a QR Code (ISO/IEC 18004) module matrix, then a PNG or an SVG; images are
// scanned back to the identical bytes. docs/barcodes.md has sizes, quiet zones and limits.

#include <openvap/result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/barcode/image.h"
#include "base/bytes.h"

namespace openvap::barcode {

enum class Symbology { kDataMatrix, kQrCode };

// "datamatrix" or "qr".
std::string_view SymbologyName(Symbology symbology);
// Parses "datamatrix" / "qr" (also "dm", "qrcode"); Error "invalid-symbology" otherwise.
Result<Symbology> ParseSymbology(std::string_view name);

// QR error-correction levels (ISO/IEC 18004 §5.5): L ~7 %, M ~15 %, Q ~25 %, H ~30 % of the
// codewords may be lost. DataMatrix ECC 200 has a fixed Reed-Solomon level per symbol size.
enum class QrErrorCorrection { kLow, kMedium, kQuartile, kHigh };

struct EncodeOptions {
  Symbology symbology = Symbology::kDataMatrix;
  QrErrorCorrection qr_error_correction = QrErrorCorrection::kMedium;
};

// The symbol as modules, without quiet zone. dark[y * width + x] is true for a dark module.
struct ModuleMatrix {
  Symbology symbology = Symbology::kDataMatrix;
  int width = 0;
  int height = 0;
  std::vector<bool> dark;
  // The quiet zone the standard asks for around the symbol, in modules: 1 for DataMatrix
  // (ISO/IEC 16022 §7.1), 4 for QR (ISO/IEC 18004 §6.3.8). Renderers add
  // RecommendedQuietZone(), which is at least this.
  int standard_quiet_zone = 1;

  bool IsDark(int x, int y) const { return dark[static_cast<std::size_t>(y) * width + x]; }
};

// The quiet zone the renderers draw, in modules: 2 for DataMatrix (twice the minimum, so a
// symbol printed next to text or a frame still scans), 4 for QR.
int RecommendedQuietZone(Symbology symbology);

// Largest payloads: a DataMatrix 144 x 144 holds any 1555 bytes (zxing's encodation; 1558 data
// codewords) or 2335 characters of upper-case text such as IDB Base32; QR version 40 holds
// 2953 (L), 2331 (M), 1663 (Q), 1273 (H) bytes in byte mode, more for alphanumeric text.
inline constexpr std::size_t kMaxDataMatrixBytes = 1555;

// Encodes `payload` binary-exact: every byte value 0..255 comes back unchanged from a reader
// (zxing-cpp 1.4 needs CharacterSet::BINARY with each byte widened to wchar_t, which this does).
// DataMatrix symbols are ECC 200, square or rectangular, the smallest that fits (zxing chooses
// ASCII/C40/Text/X12/EDIFACT/Base 256 encodation). QR uses byte mode for binary data
// (alphanumeric/numeric segments where the bytes are such characters, e.g. IDB Base32 text;
// a reader returns the same bytes either way). The symbol is decoded once after encoding and
// compared with the payload ("encoder-mismatch" if it ever differs).
// Errors: "empty-payload", "payload-too-large" (naming the limit), "encoder-mismatch".
Result<ModuleMatrix> EncodeBarcode(ByteView payload, const EncodeOptions& options = {});

// The symbol as a grey raster (0 = black, 255 = white) at `module_px` pixels per module with
// `quiet_zone` modules of white around it (-1: RecommendedQuietZone). Errors:
// "invalid-argument" when module_px is outside 1..100 or quiet_zone outside -1..100.
Result<RasterImage> RasterizeBarcode(const ModuleMatrix& matrix, int module_px,
                                     int quiet_zone = -1);

// RasterizeBarcode as a PNG file.
Result<Bytes> RenderPng(const ModuleMatrix& matrix, int module_px, int quiet_zone = -1);

// An SVG document: a white background and ONE path of the dark modules, each row's runs as
// axis-aligned rectangles on integer coordinates of a module grid (viewBox in modules, width
// and height = modules x `module_size` user units), shape-rendering="crispEdges". Module geometry
// is exact at any zoom. Errors as RasterizeBarcode.
Result<std::string> RenderSvg(const ModuleMatrix& matrix, int module_size, int quiet_zone = -1);

enum class ImageFormat { kPng, kSvg };

// EncodeBarcode, then RenderPng or RenderSvg: the image file's bytes for `payload`, with
// `module_size` pixels (PNG) or user units (SVG) per module. Errors as those functions.
Result<std::string> RenderBarcodeImage(ByteView payload, const EncodeOptions& options,
                                       ImageFormat format, int module_size, int quiet_zone = -1);

// Horizontal runs of dark modules, row by row: for vector renderers (SVG here, PDF in
// adapters/pdf) so that each draws whole runs, not module squares with hairline seams.
struct DarkRun {
  int x = 0;
  int y = 0;
  int length = 0;
};
std::vector<DarkRun> DarkRuns(const ModuleMatrix& matrix);

// What a scan found.
struct ScanResult {
  Bytes payload;
  Symbology symbology = Symbology::kDataMatrix;
  // Which reader and strategy found it: "zxing" (zxing-cpp on the whole image), "zxing-tiles"
  // (zxing-cpp on overlapping crops of the image), "zxing+libdmtx" (zxing located a DataMatrix
  // it could not decode, e.g. 144 x 144, and libdmtx decoded that region), "libdmtx" (the
  // fallback reader on the whole image).
  std::string method;
};

struct ScanOptions {
  // Give libdmtx at most this long on an image (it searches the whole image for a region).
  int libdmtx_timeout_ms = 6000;
  // Set to false to test the zxing paths alone.
  bool use_libdmtx = true;
  // Set to false to disable the tiling pass (to show that it is needed).
  bool use_tiles = true;
  // ScanImageFile: larger images are refused ("image-too-large") before they are scanned.
  std::int64_t max_pixels = kMaxImagePixels;
};

// Finds and decodes one DataMatrix or QR Code in a grey image: zxing-cpp on the whole image
// (any rotation); libdmtx on a DataMatrix that zxing located but could not decode; zxing on
// overlapping tiles (a seal on a full page, which zxing 1.4 misses on the whole image); then
// libdmtx on the whole image as the fallback reader. Error "no-barcode-found" when
// nothing decodes (the message says which readers were tried).
Result<ScanResult> ScanRaster(const RasterImage& image, const ScanOptions& options = {});

// DecodeImage (PNG or JPEG) then ScanRaster. Errors of either.
Result<ScanResult> ScanImageFile(ByteView file, const ScanOptions& options = {});

}  // namespace openvap::barcode

#endif  // OPENVAP_ADAPTERS_BARCODE_BARCODE_H_
