// Scanning: zxing-cpp first, libdmtx as the fallback reader (DESIGN.md dependency table).

#include <dmtx.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "adapters/barcode/barcode.h"

#define ZX_USE_UTF8 1  // zxing-cpp 1.4: the std::string API of Result::text()
#include <ZXing/ReadBarcode.h>

namespace openvap::barcode {
namespace {

// Tiles for the second zxing pass: a DataMatrix that is small against the page (a seal on A4 at
// 150-300 dpi is 200-900 pixels wide on a 1240-3508 pixel page) is found reliably by zxing 1.4
// only when it fills a good part of the picture. Tiles overlap by half, so any symbol up to half
// a tile's size lies wholly inside one of them: up to 1024 pixels, a 144-module seal with 0.5 mm
// modules at 300 dpi.
constexpr int kTileSizes[] = {640, 1280, 2048};

// libdmtx's time on one region that zxing located: a real symbol decodes in milliseconds.
constexpr int kLocatedTimeoutMs = 1500;

// A region where zxing saw a DataMatrix but could not decode it (zxing-cpp 1.4 cannot decode
// 144 x 144 symbols, which libdmtx reads): the rectangle that libdmtx then reads.
struct Located {
  int x0 = 0;
  int y0 = 0;
  int x1 = 0;
  int y1 = 0;
};

std::optional<ScanResult> ReadWithZxing(const RasterImage& image, int x0, int y0, int width,
                                        int height, const std::string& method,
                                        std::vector<Located>& located) {
  const ZXing::ImageView view(image.pixels.data() + static_cast<std::size_t>(y0) * image.width + x0,
                              width, height, ZXing::ImageFormat::Lum, image.width);
  const auto hints =
      ZXing::DecodeHints()
          .setFormats(ZXing::BarcodeFormat::DataMatrix | ZXing::BarcodeFormat::QRCode)
          .setTryHarder(true)
          .setTryRotate(true)
          .setTryDownscale(true)
          .setReturnErrors(true);
  ZXing::Result result;
  try {
    result = ZXing::ReadBarcode(view, hints);
  } catch (const std::exception&) {  // zxing validates its arguments by throwing
    return std::nullopt;
  }
  // zxing 1.4 reports a symbol it found but could not decode with format None, an error
  // (ChecksumError for the 144 x 144 DataMatrix) and its position.
  if (!result.isValid() && result.error()) {
    Located box{width, height, 0, 0};
    for (const ZXing::PointI& p : result.position()) {
      box.x0 = std::min(box.x0, p.x);
      box.y0 = std::min(box.y0, p.y);
      box.x1 = std::max(box.x1, p.x);
      box.y1 = std::max(box.y1, p.y);
    }
    if (box.x1 > box.x0 && box.y1 > box.y0)
      located.push_back({box.x0 + x0, box.y0 + y0, box.x1 + x0, box.y1 + y0});
  }
  if (!result.isValid()) return std::nullopt;
  ScanResult found;
  found.payload.assign(result.bytes().begin(), result.bytes().end());
  found.symbology =
      result.format() == ZXing::BarcodeFormat::QRCode ? Symbology::kQrCode : Symbology::kDataMatrix;
  found.method = method;
  return found;
}

std::optional<ScanResult> ReadLocated(const RasterImage& image, const std::vector<Located>& located,
                                      int timeout_ms);

// zxing on each tile; where zxing locates a symbol it cannot decode, libdmtx reads that region
// at once (when `libdmtx_timeout_ms` > 0).
std::optional<ScanResult> ReadTiles(const RasterImage& image, int libdmtx_timeout_ms) {
  std::vector<Located> located;
  for (const int tile : kTileSizes) {
    if (tile >= image.width && tile >= image.height) continue;  // the whole image was read
    const int tw = std::min(tile, image.width);
    const int th = std::min(tile, image.height);
    const int step = tile / 2;
    for (int y = 0;; y += step) {
      const int y0 = std::min(y, image.height - th);
      for (int x = 0;; x += step) {
        const int x0 = std::min(x, image.width - tw);
        located.clear();
        if (auto found = ReadWithZxing(image, x0, y0, tw, th, "zxing-tiles", located)) return found;
        if (libdmtx_timeout_ms > 0 && !located.empty()) {
          if (auto found = ReadLocated(image, located, libdmtx_timeout_ms)) return found;
        }
        if (x0 + tw >= image.width) break;
      }
      if (y0 + th >= image.height) break;
    }
  }
  return std::nullopt;
}

// Copies a rectangle of `image`, grown by `margin` pixels on each side and clipped.
RasterImage Crop(const RasterImage& image, const Located& box, int margin) {
  const int x0 = std::max(0, box.x0 - margin);
  const int y0 = std::max(0, box.y0 - margin);
  const int x1 = std::min(image.width, box.x1 + margin);
  const int y1 = std::min(image.height, box.y1 + margin);
  RasterImage out;
  out.width = x1 - x0;
  out.height = y1 - y0;
  out.pixels.reserve(static_cast<std::size_t>(out.width) * out.height);
  for (int y = y0; y < y1; ++y) {
    const auto row = image.pixels.begin() + static_cast<std::ptrdiff_t>(y) * image.width;
    out.pixels.insert(out.pixels.end(), row + x0, row + x1);
  }
  return out;
}

// libdmtx searches the image for DataMatrix regions and decodes the first that decodes.
// `shrink` > 1 searches a subsampled image (faster on large pages, needs bigger modules).
std::optional<ScanResult> ReadWithLibdmtx(const RasterImage& image, int shrink, int timeout_ms,
                                          const std::string& method) {
  if (image.width < 8 || image.height < 8) return std::nullopt;
  // libdmtx does not write to the pixels, but its API takes them non-const.
  auto* pixels = const_cast<unsigned char*>(image.pixels.data());
  DmtxImage* dmtx_image = dmtxImageCreate(pixels, image.width, image.height, DmtxPack8bppK);
  if (dmtx_image == nullptr) return std::nullopt;
  dmtxImageSetProp(dmtx_image, DmtxPropImageFlip, DmtxFlipNone);
  DmtxDecode* decode = dmtxDecodeCreate(dmtx_image, shrink);
  std::optional<ScanResult> found;
  if (decode != nullptr) {
    DmtxTime timeout = dmtxTimeAdd(dmtxTimeNow(), timeout_ms);
    while (!found) {
      DmtxRegion* region = dmtxRegionFindNext(decode, &timeout);
      if (region == nullptr) break;
      DmtxMessage* message = dmtxDecodeMatrixRegion(decode, region, DmtxUndefined);
      if (message != nullptr) {
        ScanResult result;
        result.payload.assign(message->output, message->output + message->outputIdx);
        result.symbology = Symbology::kDataMatrix;
        result.method = method;
        found = std::move(result);
        dmtxMessageDestroy(&message);
      }
      dmtxRegionDestroy(&region);
    }
    dmtxDecodeDestroy(&decode);
  }
  dmtxImageDestroy(&dmtx_image);
  return found;
}

// libdmtx on the regions where zxing saw a DataMatrix it could not decode.
std::optional<ScanResult> ReadLocated(const RasterImage& image, const std::vector<Located>& located,
                                      int timeout_ms) {
  for (const Located& box : located) {
    const int margin = std::max(box.x1 - box.x0, box.y1 - box.y0) / 8 + 8;
    if (auto found = ReadWithLibdmtx(Crop(image, box, margin), 1, timeout_ms, "zxing+libdmtx"))
      return found;
  }
  return std::nullopt;
}

}  // namespace

Result<ScanResult> ScanRaster(const RasterImage& image, const ScanOptions& options) {
  if (image.channels != 1 || image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height)
    return Error{"invalid-argument", "ScanRaster needs a grey image with consistent dimensions"};
  std::vector<Located> located;
  if (auto found = ReadWithZxing(image, 0, 0, image.width, image.height, "zxing", located))
    return *found;
  std::string tried = "zxing-cpp on the whole image";
  if (options.use_libdmtx) {
    if (auto found =
            ReadLocated(image, located, std::min(options.libdmtx_timeout_ms, kLocatedTimeoutMs)))
      return *found;
  }
  if (options.use_tiles && located.empty()) {
    const int located_timeout_ms =
        options.use_libdmtx ? std::min(options.libdmtx_timeout_ms, kLocatedTimeoutMs) : 0;
    if (auto found = ReadTiles(image, located_timeout_ms)) return *found;
    tried += ", zxing-cpp on overlapping tiles";
  }
  if (options.use_libdmtx) {
    const int longest = std::max(image.width, image.height);
    const int shrink = longest > 2400 ? 2 : 1;
    if (auto found = ReadWithLibdmtx(image, shrink, options.libdmtx_timeout_ms, "libdmtx"))
      return *found;
    tried += ", libdmtx on the whole image";
  }
  return Error{"no-barcode-found",
               "no DataMatrix or QR Code found in the " + std::to_string(image.width) + "x" +
                   std::to_string(image.height) + " image (tried " + tried + ")"};
}

Result<ScanResult> ScanImageFile(ByteView file, const ScanOptions& options) {
  OPENVAP_ASSIGN_OR_RETURN(const RasterImage image, DecodeImage(file, 1));
  if (static_cast<std::int64_t>(image.width) * image.height > options.max_pixels) {
    return Error{"image-too-large", "the image is " + std::to_string(image.width) + " x " +
                                        std::to_string(image.height) + " pixels; at most " +
                                        std::to_string(options.max_pixels) +
                                        " pixels are scanned here"};
  }
  return ScanRaster(image, options);
}

}  // namespace openvap::barcode
