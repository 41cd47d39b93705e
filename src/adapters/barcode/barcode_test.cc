// Tests of adapters/barcode (issue 3 "Barcodes"; DV-SEAL, RP-OFFLINE, RP-INCL): binary-exact
// render -> scan round trips for DataMatrix and QR, PNG and SVG, seals on full A4 pages at 150
// and 300 dpi (PNG and JPEG), rotated, blurred and noisy images, and bad inputs.

#include "adapters/barcode/barcode.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "adapters/barcode/image.h"
#include "base/bytes.h"
#include "base/random.h"
#include "support/process.h"
#include "support/test_files.h"

namespace openvap::barcode {
namespace {

Bytes RandomBytes(std::size_t n, std::uint64_t seed) {
  SeededRandom random(seed);
  Bytes out(n);
  random.Fill(out);
  return out;
}

// The payloads of the third-party seal vectors (tests/vectors/seals/vectors.tsv).
std::vector<std::pair<std::string, Bytes>> VectorPayloads() {
  std::vector<std::pair<std::string, Bytes>> out;
  for (const testing::SealVector& v : testing::ReadSealVectors()) {
    if (v.format == "vds-hex") {
      auto bytes = FromHex(v.payload);
      if (bytes.ok()) out.emplace_back(v.id, *bytes);
    } else {
      const ByteView text = AsBytes(v.payload);
      out.emplace_back(v.id, Bytes(text.begin(), text.end()));
    }
  }
  return out;
}

// Renders, rasterises at `module_px` and scans back; returns the scanned bytes.
Bytes RoundTripPng(ByteView payload, EncodeOptions options, int module_px = 3) {
  auto matrix = EncodeBarcode(payload, options);
  EXPECT_TRUE(matrix.ok()) << (matrix.ok() ? "" : matrix.error().message);
  if (!matrix.ok()) return {};
  auto png = RenderPng(*matrix, module_px);
  EXPECT_TRUE(png.ok());
  if (!png.ok()) return {};
  auto scanned = ScanImageFile(*png);
  EXPECT_TRUE(scanned.ok()) << (scanned.ok() ? "" : scanned.error().message);
  if (!scanned.ok()) return {};
  EXPECT_EQ(scanned->symbology, options.symbology);
  return scanned->payload;
}

// A caller that scans for others (POST /verify) sets a smaller limit; larger images are refused
// before the readers run.
TEST(ScanImageFile, ImagesBeyondTheCallersPixelLimitAreRefused) {
  const Bytes payload = {0xdc, 0x03, 0x01};
  const auto png = RenderPng(*EncodeBarcode(payload, {}), 3);
  ASSERT_TRUE(png.ok());
  EXPECT_TRUE(ScanImageFile(*png).ok());
  ScanOptions small;
  small.max_pixels = 100;
  const auto refused = ScanImageFile(*png, small);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "image-too-large");
}

// ---- image transformations that imitate print and capture -------------------------------

// A grey page of `width_mm` x `height_mm` at `dpi`, with lines of "text" (dark dashes) so that
// the reader has something else to look at, and the symbol drawn with its top-left corner at
// (x_mm, y_mm) and modules of `module_mm` (generally not a whole number of pixels).
RasterImage PageWithSymbol(const ModuleMatrix& matrix, int dpi, double module_mm, double x_mm,
                           double y_mm, double width_mm = 210, double height_mm = 297) {
  const double px_per_mm = dpi / 25.4;
  RasterImage page;
  page.width = static_cast<int>(std::lround(width_mm * px_per_mm));
  page.height = static_cast<int>(std::lround(height_mm * px_per_mm));
  page.pixels.assign(static_cast<std::size_t>(page.width) * page.height, 255);
  SeededRandom random(42);
  // Text lines every 6 mm in the upper half and in the right column: dashes of random length.
  for (double line_mm = 20; line_mm < height_mm - 20; line_mm += 6) {
    const int y0 = static_cast<int>(line_mm * px_per_mm);
    const int h = static_cast<int>(2.2 * px_per_mm);
    for (double word_mm = 20; word_mm < width_mm - 20;) {
      std::uint8_t r[1];
      random.Fill(r);
      const double len_mm = 3 + r[0] % 12;
      const int x0 = static_cast<int>(word_mm * px_per_mm);
      const int x1 = static_cast<int>((word_mm + len_mm) * px_per_mm);
      for (int y = y0; y < y0 + h && y < page.height; ++y)
        for (int x = x0; x < x1 && x < page.width; ++x) page.At(x, y) = 30;
      word_mm += len_mm + 2;
    }
  }
  // Clear the symbol's area with its quiet zone, then draw it by sampling module centres.
  const int quiet = RecommendedQuietZone(matrix.symbology);
  const double sx = (x_mm - quiet * module_mm) * px_per_mm;
  const double sy = (y_mm - quiet * module_mm) * px_per_mm;
  const double size_w = (matrix.width + 2 * quiet) * module_mm * px_per_mm;
  const double size_h = (matrix.height + 2 * quiet) * module_mm * px_per_mm;
  for (int y = static_cast<int>(sy); y < static_cast<int>(sy + size_h); ++y) {
    for (int x = static_cast<int>(sx); x < static_cast<int>(sx + size_w); ++x) {
      const int mx =
          static_cast<int>(std::floor((x + 0.5) / px_per_mm / module_mm - x_mm / module_mm));
      const int my =
          static_cast<int>(std::floor((y + 0.5) / px_per_mm / module_mm - y_mm / module_mm));
      const bool dark =
          mx >= 0 && my >= 0 && mx < matrix.width && my < matrix.height && matrix.IsDark(mx, my);
      page.At(x, y) = dark ? 20 : 245;
    }
  }
  return page;
}

// Rotation by `degrees` about the centre with bilinear interpolation, white outside.
RasterImage Rotate(const RasterImage& in, double degrees) {
  const double a = degrees * M_PI / 180;
  const double c = std::cos(a);
  const double s = std::sin(a);
  const int w = static_cast<int>(std::ceil(std::abs(in.width * c) + std::abs(in.height * s)));
  const int h = static_cast<int>(std::ceil(std::abs(in.width * s) + std::abs(in.height * c)));
  RasterImage out;
  out.width = w;
  out.height = h;
  out.pixels.assign(static_cast<std::size_t>(w) * h, 255);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double dx = x - w / 2.0;
      const double dy = y - h / 2.0;
      const double u = c * dx + s * dy + in.width / 2.0;
      const double v = -s * dx + c * dy + in.height / 2.0;
      const int u0 = static_cast<int>(std::floor(u));
      const int v0 = static_cast<int>(std::floor(v));
      if (u0 < 0 || v0 < 0 || u0 + 1 >= in.width || v0 + 1 >= in.height) continue;
      const double fu = u - u0;
      const double fv = v - v0;
      const double value = (1 - fu) * (1 - fv) * in.At(u0, v0) + fu * (1 - fv) * in.At(u0 + 1, v0) +
                           (1 - fu) * fv * in.At(u0, v0 + 1) + fu * fv * in.At(u0 + 1, v0 + 1);
      out.At(x, y) = static_cast<std::uint8_t>(std::lround(value));
    }
  }
  return out;
}

// 3x3 box blur, `passes` times (a slightly out-of-focus capture).
RasterImage Blur(RasterImage image, int passes) {
  for (int p = 0; p < passes; ++p) {
    RasterImage out = image;
    for (int y = 1; y + 1 < image.height; ++y)
      for (int x = 1; x + 1 < image.width; ++x) {
        int sum = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) sum += image.At(x + dx, y + dy);
        out.At(x, y) = static_cast<std::uint8_t>(sum / 9);
      }
    image = std::move(out);
  }
  return image;
}

// Adds uniform noise of +-`amplitude` grey levels (sensor noise, paper texture).
RasterImage AddNoise(RasterImage image, int amplitude, std::uint64_t seed) {
  SeededRandom random(seed);
  Bytes noise(image.pixels.size());
  random.Fill(noise);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    const int v = image.pixels[i] + (noise[i] % (2 * amplitude + 1)) - amplitude;
    image.pixels[i] = static_cast<std::uint8_t>(std::clamp(v, 0, 255));
  }
  return image;
}

// ---- encoding and round trips -------------------------------------------------------------

TEST(Symbology, NamesParseBack) {
  for (const Symbology s : {Symbology::kDataMatrix, Symbology::kQrCode}) {
    auto parsed = ParseSymbology(SymbologyName(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(ParseSymbology("aztec").error().code, "invalid-symbology");
}

TEST(EncodeBarcode, RefusesEmptyAndOversizedPayloads) {
  EXPECT_EQ(EncodeBarcode({}).error().code, "empty-payload");
  Bytes big = RandomBytes(kMaxDataMatrixBytes + 4, 1);
  for (auto& b : big) b |= 0x80;  // no ASCII pairs to compact
  auto dm = EncodeBarcode(big);
  ASSERT_FALSE(dm.ok());
  EXPECT_EQ(dm.error().code, "payload-too-large");
  EXPECT_NE(dm.error().message.find("1555"), std::string::npos) << dm.error().message;
  auto qr = EncodeBarcode(RandomBytes(1300, 2), {Symbology::kQrCode, QrErrorCorrection::kHigh});
  ASSERT_FALSE(qr.ok());
  EXPECT_EQ(qr.error().code, "payload-too-large");
}

TEST(EncodeBarcode, DataMatrixOfTheLargestBinaryPayloadIs144Modules) {
  auto matrix = EncodeBarcode(RandomBytes(kMaxDataMatrixBytes, 3));
  ASSERT_TRUE(matrix.ok()) << matrix.error().message;
  EXPECT_EQ(matrix->width, 144);
  EXPECT_EQ(matrix->height, 144);
  EXPECT_EQ(matrix->standard_quiet_zone, 1);
}

TEST(RoundTrip, EveryByteValueInOneSymbol) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(RoundTripPng(all, {Symbology::kDataMatrix}), all);
  EXPECT_EQ(RoundTripPng(all, {Symbology::kQrCode}), all);
  Bytes reversed(all.rbegin(), all.rend());
  EXPECT_EQ(RoundTripPng(reversed, {Symbology::kDataMatrix}), reversed);
}

TEST(RoundTrip, EverySingleByteValueAlone) {
  for (int i = 0; i < 256; ++i) {
    const Bytes one{static_cast<std::uint8_t>(i)};
    EXPECT_EQ(RoundTripPng(one, {Symbology::kDataMatrix}, 2), one) << "byte " << i;
    EXPECT_EQ(RoundTripPng(one, {Symbology::kQrCode}, 2), one) << "byte " << i;
  }
}

// Byte sequences that text-oriented encodations treat specially: DataMatrix macro 05/06
// headers, FNC1/GS, C40/X12/EDIFACT-friendly runs broken by binary, CR LF, NUL runs, digits.
TEST(RoundTrip, SequencesThatEncodersTreatSpecially) {
  const std::vector<std::string> texts = {
      std::string("[)>\x1e"
                  "05\x1d"
                  "ABC\x1e\x04",
                  11),
      std::string("[)>\x1e"
                  "06\x1d"
                  "X\x1e\x04",
                  9),
      std::string("\x1d") + "0104012345678901",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ",
      "abcdefghijklmnopqrstuvwxyz",
      "ABC*>\r\nABC*>\r\n",
      std::string(40, '\0'),
      "12345678901234567890",
      "RDB1BNK6ADJL2PHJ4BVGXKZJ2MLBS",
      "@@@@ABCD@@@\x7f\x80\xff",
  };
  for (const std::string& text : texts) {
    const ByteView bytes = AsBytes(text);
    const Bytes payload(bytes.begin(), bytes.end());
    EXPECT_EQ(RoundTripPng(payload, {Symbology::kDataMatrix}), payload) << ToHex(payload);
    EXPECT_EQ(RoundTripPng(payload, {Symbology::kQrCode}), payload) << ToHex(payload);
  }
}

TEST(RoundTrip, SizesFromOneByteToTheLargestSeal) {
  for (const std::size_t size :
       {1,   2,   3,   7,   16,  31,  44,   64,   100,  128,  200,  255,
        256, 300, 400, 512, 700, 900, 1024, 1200, 1305, 1400, 1500, 1555}) {
    const Bytes payload = RandomBytes(size, size);
    EXPECT_EQ(RoundTripPng(payload, {Symbology::kDataMatrix}, 2), payload) << size << " bytes";
    EXPECT_EQ(RoundTripPng(payload, {Symbology::kQrCode, QrErrorCorrection::kLow}, 2), payload)
        << size << " bytes";
  }
}

// The largest DataMatrix (144 x 144, 1304 to 1555 bytes) is encoded for any payload: its
// self-check refused about one random payload in four before it drew the symbol larger.
TEST(RoundTrip, EveryPayloadOfTheLargestDataMatrixPassesTheSelfCheck) {
  for (std::uint32_t seed = 1; seed <= 24; ++seed) {
    const Bytes payload = RandomBytes(1304 + (seed * 37) % 252, std::uint64_t{seed} * 7919);
    const auto matrix = EncodeBarcode(payload, {Symbology::kDataMatrix});
    ASSERT_TRUE(matrix.ok()) << payload.size() << " bytes, seed " << seed << ": "
                             << matrix.error().message;
    EXPECT_EQ(matrix->width, 144);
  }
}

TEST(RoundTrip, QrAtEachErrorCorrectionLevelGrowsTheSymbol) {
  const Bytes payload = RandomBytes(300, 9);
  int previous = 0;
  for (const QrErrorCorrection level : {QrErrorCorrection::kLow, QrErrorCorrection::kMedium,
                                        QrErrorCorrection::kQuartile, QrErrorCorrection::kHigh}) {
    auto matrix = EncodeBarcode(payload, {Symbology::kQrCode, level});
    ASSERT_TRUE(matrix.ok()) << matrix.error().message;
    EXPECT_GT(matrix->width, previous);  // more error correction, more modules
    previous = matrix->width;
    EXPECT_EQ(RoundTripPng(payload, {Symbology::kQrCode, level}), payload);
  }
}

TEST(RoundTrip, ThirdPartySealVectors) {
  const auto vectors = VectorPayloads();
  ASSERT_GE(vectors.size(), 30U);
  for (const auto& [id, payload] : vectors) {
    EXPECT_EQ(RoundTripPng(payload, {Symbology::kDataMatrix}), payload) << id;
    EXPECT_EQ(RoundTripPng(payload, {Symbology::kQrCode}), payload) << id;
  }
}

TEST(RenderPng, HasTheQuietZoneAndModuleScale) {
  auto matrix = EncodeBarcode(AsBytes("DV-SEAL"));
  ASSERT_TRUE(matrix.ok());
  auto raster = RasterizeBarcode(*matrix, 5);
  ASSERT_TRUE(raster.ok());
  const int quiet = RecommendedQuietZone(Symbology::kDataMatrix);
  EXPECT_EQ(raster->width, (matrix->width + 2 * quiet) * 5);
  // The quiet zone is white, and the finder pattern's corner (bottom-left) is dark.
  for (int x = 0; x < raster->width; ++x) EXPECT_EQ(raster->At(x, quiet * 5 - 1), 255);
  EXPECT_EQ(raster->At(quiet * 5, raster->height - quiet * 5 - 1), 0);
  auto png = RenderPng(*matrix, 5);
  ASSERT_TRUE(png.ok());
  auto decoded = DecodeImage(*png);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->pixels, raster->pixels);
  EXPECT_EQ(RenderPng(*matrix, 0).error().code, "invalid-argument");
  EXPECT_EQ(RenderPng(*matrix, 101).error().code, "invalid-argument");
}

TEST(RenderSvg, IsOnePathOnTheModuleGrid) {
  auto matrix = EncodeBarcode(AsBytes("RDB1BNK6ADJL2PHJ4BVGXKZJ2MLBS"), {Symbology::kQrCode});
  ASSERT_TRUE(matrix.ok());
  auto svg = RenderSvg(*matrix, 4);
  ASSERT_TRUE(svg.ok());
  std::size_t paths = 0;
  for (std::size_t at = svg->find("<path"); at != std::string::npos;
       at = svg->find("<path", at + 1))
    ++paths;
  EXPECT_EQ(paths, 1U);
  EXPECT_NE(svg->find("shape-rendering=\"crispEdges\""), std::string::npos);
  const int side = matrix->width + 8;
  EXPECT_NE(svg->find("viewBox=\"0 0 " + std::to_string(side) + " " + std::to_string(side)),
            std::string::npos);
  EXPECT_NE(svg->find("width=\"" + std::to_string(side * 4) + "\""), std::string::npos);
  // One "M x y h n v1 h-n z" per dark run: count them against the matrix.
  std::size_t moves = 0;
  for (const char c : *svg) moves += c == 'M' ? 1 : 0;
  EXPECT_EQ(moves, DarkRuns(*matrix).size());
}

// SVG rasterised by an independent renderer (librsvg's rsvg-convert), then scanned.
TEST(RenderSvg, RasterisedByLibrsvgScansBackBinaryExact) {
  testing::TempDir dir;
  std::vector<std::pair<std::string, Bytes>> payloads = {{"random-900", RandomBytes(900, 5)}};
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  payloads.emplace_back("all-bytes", all);
  const auto vectors = VectorPayloads();
  ASSERT_FALSE(vectors.empty());
  payloads.push_back(vectors.front());
  payloads.push_back(vectors.back());
  for (const auto& [name, payload] : payloads) {
    for (const Symbology symbology : {Symbology::kDataMatrix, Symbology::kQrCode}) {
      auto matrix = EncodeBarcode(payload, {symbology});
      ASSERT_TRUE(matrix.ok());
      auto svg = RenderSvg(*matrix, 3);
      ASSERT_TRUE(svg.ok());
      const std::string svg_path = dir.path() + "/code.svg";
      const std::string png_path = dir.path() + "/code.png";
      testing::WriteFileBytes(svg_path, *svg);
      std::string command = "rsvg-convert --background-color=white -o '";
      command += png_path;
      command += "' '";
      command += svg_path;
      command += "'";
      ASSERT_EQ(std::system(command.c_str()), 0) << command << " (needs librsvg2-bin)";
      auto scanned = ScanImageFile(testing::ReadFileBytes(png_path));
      ASSERT_TRUE(scanned.ok()) << name << ": " << scanned.error().message;
      EXPECT_EQ(scanned->payload, payload) << name;
      EXPECT_EQ(scanned->symbology, symbology);
    }
  }
}

// ---- scanning pages and captures ---------------------------------------------------------

struct PageCase {
  int dpi;
  double module_mm;
  double x_mm;
  double y_mm;
};

TEST(Scan, SealOnAFullA4PageAt150And300Dpi) {
  // A seal with a small facial image is ~1 kB; 1500 bytes needs the 144 x 144 symbol, which
  // zxing-cpp 1.4 locates but cannot decode.
  for (const std::size_t size : {1000, 1500}) {
    const Bytes seal = RandomBytes(size, 77);
    auto matrix = EncodeBarcode(seal);
    ASSERT_TRUE(matrix.ok());
    for (const PageCase& c : {PageCase{150, 0.5, 120, 200}, PageCase{150, 0.6, 25, 30},
                              PageCase{300, 0.4, 60, 150}, PageCase{300, 0.5, 140, 230}}) {
      if (c.x_mm + matrix->width * c.module_mm > 200) continue;
      const RasterImage page = PageWithSymbol(*matrix, c.dpi, c.module_mm, c.x_mm, c.y_mm);
      auto png = EncodePng(page);
      ASSERT_TRUE(png.ok());
      auto scanned = ScanImageFile(*png);
      ASSERT_TRUE(scanned.ok()) << c.dpi << " dpi: " << scanned.error().message;
      EXPECT_EQ(scanned->payload, seal);
      std::cout << "[ info ] " << size << "-byte seal (" << matrix->width << " modules) on A4 at "
                << c.dpi << " dpi, module " << c.module_mm << " mm, PNG: found by "
                << scanned->method << "\n";
      auto jpeg = EncodeJpeg(page, 85);
      ASSERT_TRUE(jpeg.ok());
      auto from_jpeg = ScanImageFile(*jpeg);
      ASSERT_TRUE(from_jpeg.ok()) << c.dpi << " dpi JPEG: " << from_jpeg.error().message;
      EXPECT_EQ(from_jpeg->payload, seal);
      std::cout << "[ info ]   the same page as JPEG (quality 85): found by " << from_jpeg->method
                << "\n";
    }
  }
}

// zxing-cpp 1.4 alone misses a small DataMatrix on a whole page; the tiling pass or libdmtx is
// what finds it (DESIGN.md). Each fallback on its own finds the seal.
TEST(Scan, EachFallbackFindsTheSealOnAPageOnItsOwn) {
  const Bytes seal = RandomBytes(600, 78);
  auto matrix = EncodeBarcode(seal);
  ASSERT_TRUE(matrix.ok());
  const RasterImage page = PageWithSymbol(*matrix, 150, 0.5, 110, 210);
  ScanOptions tiles_only;
  tiles_only.use_libdmtx = false;
  auto by_tiles = ScanRaster(page, tiles_only);
  ASSERT_TRUE(by_tiles.ok()) << by_tiles.error().message;
  EXPECT_EQ(by_tiles->payload, seal);
  ScanOptions dmtx_only;
  dmtx_only.use_tiles = false;
  auto by_dmtx = ScanRaster(page, dmtx_only);
  ASSERT_TRUE(by_dmtx.ok()) << by_dmtx.error().message;
  EXPECT_EQ(by_dmtx->payload, seal);
  std::cout << "[ info ] without tiles: " << by_dmtx->method
            << "; without libdmtx: " << by_tiles->method << "\n";
}

TEST(Scan, QrOnAFullA4Page) {
  const Bytes seal = RandomBytes(800, 79);
  auto matrix = EncodeBarcode(seal, {Symbology::kQrCode});
  ASSERT_TRUE(matrix.ok());
  const RasterImage page = PageWithSymbol(*matrix, 150, 0.55, 100, 180);
  auto scanned = ScanRaster(page);
  ASSERT_TRUE(scanned.ok()) << scanned.error().message;
  EXPECT_EQ(scanned->payload, seal);
  EXPECT_EQ(scanned->symbology, Symbology::kQrCode);
}

TEST(Scan, RotatedBlurredAndNoisyCaptures) {
  const auto vectors = VectorPayloads();
  ASSERT_FALSE(vectors.empty());
  const Bytes& seal = vectors.front().second;
  for (const Symbology symbology : {Symbology::kDataMatrix, Symbology::kQrCode}) {
    auto matrix = EncodeBarcode(seal, {symbology});
    ASSERT_TRUE(matrix.ok());
    auto raster = RasterizeBarcode(*matrix, 6);
    ASSERT_TRUE(raster.ok());
    for (const double degrees : {7.0, 30.0, 90.0, 135.0, 180.0, 260.0}) {
      const RasterImage capture = AddNoise(Blur(Rotate(*raster, degrees), 1), 25, 3);
      auto jpeg = EncodeJpeg(capture, 80);
      ASSERT_TRUE(jpeg.ok());
      auto scanned = ScanImageFile(*jpeg);
      ASSERT_TRUE(scanned.ok()) << SymbologyName(symbology) << " rotated " << degrees << ": "
                                << scanned.error().message;
      EXPECT_EQ(scanned->payload, seal);
    }
  }
}

// A page fed slightly askew into a 150 dpi scanner, with sensor noise, saved as JPEG.
TEST(Scan, SkewedNoisyA4PageAt150Dpi) {
  const Bytes seal = RandomBytes(700, 80);
  auto matrix = EncodeBarcode(seal);
  ASSERT_TRUE(matrix.ok());
  const RasterImage page = PageWithSymbol(*matrix, 150, 0.55, 115, 190);
  for (const double degrees : {-3.0, 4.0}) {
    const RasterImage skewed = AddNoise(Rotate(page, degrees), 12, 8);
    auto jpeg = EncodeJpeg(skewed, 80);
    ASSERT_TRUE(jpeg.ok());
    auto scanned = ScanImageFile(*jpeg);
    ASSERT_TRUE(scanned.ok()) << degrees << " degrees: " << scanned.error().message;
    EXPECT_EQ(scanned->payload, seal);
    std::cout << "[ info ] A4 page skewed " << degrees << " degrees: found by " << scanned->method
              << "\n";
  }
}

TEST(Scan, ReportsNoBarcodeOnAPageWithout) {
  auto matrix = EncodeBarcode(AsBytes("x"));
  ASSERT_TRUE(matrix.ok());
  RasterImage page = PageWithSymbol(*matrix, 150, 0.5, 100, 100);
  // Paint over the symbol: a page of text alone.
  for (auto& p : page.pixels) p = p == 20 ? 245 : p;
  ScanOptions options;
  options.libdmtx_timeout_ms = 3000;
  auto scanned = ScanRaster(page, options);
  ASSERT_FALSE(scanned.ok());
  EXPECT_EQ(scanned.error().code, "no-barcode-found");
  EXPECT_NE(scanned.error().message.find("libdmtx"), std::string::npos);
  RasterImage blank;
  blank.width = 300;
  blank.height = 200;
  blank.pixels.assign(std::size_t{300} * 200, 255);
  auto png = EncodePng(blank);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(ScanImageFile(*png).error().code, "no-barcode-found");
}

// ---- image files: formats and bad input -----------------------------------------------------

TEST(Images, PngAndJpegRoundTripInGreyAndColour) {
  RasterImage rgb;
  rgb.width = 40;
  rgb.height = 30;
  rgb.channels = 3;
  rgb.pixels.resize(std::size_t{40} * 30 * 3);
  for (std::size_t i = 0; i < rgb.pixels.size(); ++i) rgb.pixels[i] = static_cast<std::uint8_t>(i);
  auto png = EncodePng(rgb);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(DetectImageFormat(*png).value(), ImageFileFormat::kPng);
  auto back = DecodeImage(*png, 3);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->pixels, rgb.pixels);
  auto grey = DecodeImage(*png, 1);
  ASSERT_TRUE(grey.ok());
  EXPECT_EQ(grey->pixels.size(), 40U * 30U);
  auto jpeg = EncodeJpeg(rgb, 90);
  ASSERT_TRUE(jpeg.ok());
  EXPECT_EQ(DetectImageFormat(*jpeg).value(), ImageFileFormat::kJpeg);
  auto from_jpeg = DecodeImage(*jpeg, 3);
  ASSERT_TRUE(from_jpeg.ok());
  EXPECT_EQ(from_jpeg->width, 40);
  EXPECT_EQ(from_jpeg->height, 30);
  EXPECT_EQ(EncodeJpeg(rgb, 0).error().code, "invalid-argument");
}

TEST(Images, GarbageAndTruncatedFilesGiveClearErrors) {
  EXPECT_EQ(ScanImageFile({}).error().code, "not-an-image");
  auto garbage = ScanImageFile(AsBytes("GIF89a not supported"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, "not-an-image");
  EXPECT_NE(garbage.error().message.find("PNG or JPEG"), std::string::npos);

  auto matrix = EncodeBarcode(AsBytes("truncate me"));
  ASSERT_TRUE(matrix.ok());
  auto raster = RasterizeBarcode(*matrix, 4);
  ASSERT_TRUE(raster.ok());
  auto png = EncodePng(*raster);
  auto jpeg = EncodeJpeg(*raster, 90);
  ASSERT_TRUE(png.ok() && jpeg.ok());
  for (const Bytes* file : {&*png, &*jpeg}) {
    for (const std::size_t keep : {std::size_t{3}, std::size_t{8}, std::size_t{20}, std::size_t{60},
                                   file->size() / 2, file->size() - 1}) {
      const Bytes cut(file->begin(), file->begin() + static_cast<std::ptrdiff_t>(keep));
      auto scanned = ScanImageFile(cut);
      // A truncated JPEG may still decode (libjpeg fills the rest grey) and then either scan
      // or report no barcode; it must never crash, and errors are named.
      if (!scanned.ok()) {
        EXPECT_TRUE(scanned.error().code == "malformed-image" ||
                    scanned.error().code == "not-an-image" ||
                    scanned.error().code == "no-barcode-found")
            << scanned.error().code << ": " << scanned.error().message;
        EXPECT_FALSE(scanned.error().message.empty());
      }
    }
  }
  // Flipped bytes inside the compressed data.
  for (std::size_t at = 40; at < png->size(); at += 37) {
    Bytes damaged = *png;
    damaged[at] ^= 0x5a;
    auto scanned = ScanImageFile(damaged);
    if (!scanned.ok()) {
      EXPECT_FALSE(scanned.error().message.empty());
    }
  }
}

TEST(Images, HugeDimensionsAreRefusedBeforeAllocating) {
  // A valid PNG header claiming 100000 x 100000 pixels.
  RasterImage tiny;
  tiny.width = 1;
  tiny.height = 1;
  tiny.pixels = {0};
  auto png = EncodePng(tiny);
  ASSERT_TRUE(png.ok());
  Bytes forged = *png;
  // IHDR width/height at offsets 16..23, its CRC (over type and data) at 29..32.
  const std::uint8_t big[] = {0x00, 0x01, 0x86, 0xa0};
  std::copy(std::begin(big), std::end(big), forged.begin() + 16);
  std::copy(std::begin(big), std::end(big), forged.begin() + 20);
  const uLong crc = crc32(0, forged.data() + 12, 17);
  for (int i = 0; i < 4; ++i) forged[29 + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
  auto decoded = DecodeImage(forged);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, "image-too-large") << decoded.error().message;
  EXPECT_NE(decoded.error().message.find("100000 x 100000"), std::string::npos);
}

}  // namespace
}  // namespace openvap::barcode
