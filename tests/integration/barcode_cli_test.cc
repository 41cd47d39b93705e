// `openvap barcode render|scan` through the real binary (issue 3 CLI contract; DV-SEAL,
// RP-OFFLINE, RP-INCL): input auto-detection (hex, RDB1 text, raw bytes), PNG and SVG output,
// scanning of PNG/JPEG files including a seal on a full A4 page, exit codes 0/1/2 and messages.
#include <gtest/gtest.h>

#include "adapters/barcode/barcode.h"
#include "adapters/barcode/image.h"
#include "base/bytes.h"
#include "support/process.h"
#include "support/test_files.h"

namespace openvap::testing {
namespace {

std::string ReadText(const std::string& path) { return AsString(ReadFileBytes(path)); }

void WriteText(const std::string& path, std::string_view data) { WriteFileBytes(path, data); }

CommandResult Openvap(const std::vector<std::string>& args, const std::string& input = "") {
  return RunOpenvap(args, input);
}

std::vector<SealVector> SealVectors() { return ReadSealVectors(); }

TEST(BarcodeCli, HelpListsRenderAndScan) {
  const auto help = Openvap({"barcode", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("render"), std::string::npos);
  EXPECT_NE(help.out.find("scan"), std::string::npos);
  const auto render = Openvap({"barcode", "render", "--help"});
  EXPECT_EQ(render.exit_code, 0);
  EXPECT_NE(render.out.find("--symbology"), std::string::npos);
  EXPECT_NE(render.out.find("--module-size"), std::string::npos);
  const auto scan = Openvap({"barcode", "scan", "--help"});
  EXPECT_EQ(scan.exit_code, 0);
  EXPECT_NE(scan.out.find("--as"), std::string::npos);
}

// Every third-party vector: hex VDS and RDB1 IDB text, rendered in both symbologies and both
// formats, scans back to exactly what went in (hex for VDS, the text itself for IDB).
TEST(BarcodeCli, EveryVectorRoundTripsThroughRenderAndScan) {
  TempDir dir;
  const auto vectors = SealVectors();
  ASSERT_GE(vectors.size(), 30U);
  int n = 0;
  for (const SealVector& v : vectors) {
    const std::string symbology = n % 2 == 0 ? "datamatrix" : "qr";
    const std::string png = dir.path() + "/v.png";
    const auto render = Openvap({"barcode", "render", "-", "--symbology", symbology, "--as", "png",
                                 "--module-size", "3", "--out", png},
                                v.payload + "\n");
    ASSERT_EQ(render.exit_code, 0) << v.id << ": " << render.err;
    const auto scan = Openvap({"barcode", "scan", png});
    ASSERT_EQ(scan.exit_code, 0) << v.id << ": " << scan.err;
    EXPECT_EQ(scan.out, v.payload + "\n") << v.id << " as " << symbology;
    ++n;
  }
}

TEST(BarcodeCli, RawBytesToQrOnStdoutAndBackAsRaw) {
  TempDir dir;
  std::string raw;
  for (int i = 255; i >= 0; --i) raw.push_back(static_cast<char>(i));  // not hex, not RDB1
  WriteText(dir.path() + "/payload.bin", raw);
  const auto render = Openvap({"barcode", "render", dir.path() + "/payload.bin", "--symbology",
                               "qr", "--as", "png", "--ecc", "H"});
  ASSERT_EQ(render.exit_code, 0) << render.err;
  ASSERT_EQ(render.out.substr(1, 3), "PNG");
  WriteText(dir.path() + "/qr.png", render.out);
  const auto raw_scan = Openvap({"barcode", "scan", dir.path() + "/qr.png", "--as", "raw"});
  ASSERT_EQ(raw_scan.exit_code, 0) << raw_scan.err;
  EXPECT_EQ(raw_scan.out, raw);
  const auto hex_scan = Openvap({"barcode", "scan", dir.path() + "/qr.png"});
  EXPECT_EQ(hex_scan.out, ToHex(AsBytes(raw)) + "\n");
  const auto text_scan = Openvap({"barcode", "scan", dir.path() + "/qr.png", "--as", "text"});
  EXPECT_EQ(text_scan.exit_code, 1);
  EXPECT_NE(text_scan.err.find("binary"), std::string::npos) << text_scan.err;
}

TEST(BarcodeCli, SvgIsOnePathAndScansAfterRasterising) {
  TempDir dir;
  const std::string idb = "RDB1BNK6ADJL2PHJ4BVGXKZJ2MLBS";
  WriteText(dir.path() + "/idb.txt", idb + "\n");
  const auto render =
      Openvap({"barcode", "render", dir.path() + "/idb.txt", "--symbology", "datamatrix", "--as",
               "svg", "--module-size", "5", "--out", dir.path() + "/code.svg"});
  ASSERT_EQ(render.exit_code, 0) << render.err;
  EXPECT_TRUE(render.out.empty());
  const std::string svg = ReadText(dir.path() + "/code.svg");
  EXPECT_EQ(svg.find("<svg"), svg.find("<svg xmlns"));
  EXPECT_NE(svg.find("crispEdges"), std::string::npos);
  const auto raster = RunCommand(
      {"/usr/bin/rsvg-convert", "-o", dir.path() + "/code.png", dir.path() + "/code.svg"});
  ASSERT_EQ(raster.exit_code, 0) << raster.err << " (needs librsvg2-bin)";
  const auto scan = Openvap({"barcode", "scan", dir.path() + "/code.png"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(scan.out, idb + "\n");
}

// A seal on a full A4 page at 150 dpi, as a JPEG: found, and -v names the reader that found it.
TEST(BarcodeCli, ScansASealOnAFullA4PageAt150Dpi) {
  TempDir dir;
  const auto vectors = SealVectors();
  ASSERT_FALSE(vectors.empty());
  const Bytes seal = FromHex(vectors.front().payload).value();
  auto matrix = barcode::EncodeBarcode(seal);
  ASSERT_TRUE(matrix.ok());
  auto symbol = barcode::RasterizeBarcode(*matrix, 3);  // 3 px = 0.51 mm at 150 dpi
  ASSERT_TRUE(symbol.ok());
  barcode::RasterImage page;
  page.width = 1240;
  page.height = 1754;
  page.pixels.assign(std::size_t{1240} * 1754, 255);
  for (int y = 150; y < 900; y += 35)  // "text" lines above the seal
    for (int x = 120; x < 1100; ++x)
      for (int dy = 0; dy < 12; ++dy) page.At(x, y + dy) = (x / 40) % 3 == 0 ? 255 : 40;
  for (int y = 0; y < symbol->height; ++y)
    for (int x = 0; x < symbol->width; ++x) page.At(700 + x, 1200 + y) = symbol->At(x, y);
  const Bytes jpeg = barcode::EncodeJpeg(page, 85).value();
  WriteText(dir.path() + "/page.jpg", AsString(jpeg));
  const auto scan = Openvap({"barcode", "scan", "-v", dir.path() + "/page.jpg"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(scan.out, vectors.front().payload + "\n");
  EXPECT_NE(scan.err.find("found by "), std::string::npos) << scan.err;
  std::cout << "[ info ] " << scan.err;
}

TEST(BarcodeCli, NoBarcodeGarbageAndMissingFilesExitOne) {
  TempDir dir;
  barcode::RasterImage blank;
  blank.width = 400;
  blank.height = 300;
  blank.pixels.assign(std::size_t{400} * 300, 255);
  WriteText(dir.path() + "/blank.png", AsString(barcode::EncodePng(blank).value()));
  const auto none = Openvap({"barcode", "scan", dir.path() + "/blank.png"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_TRUE(none.out.empty());
  EXPECT_NE(none.err.find("no barcode found"), std::string::npos) << none.err;

  WriteText(dir.path() + "/garbage.png", "this is not an image");
  const auto garbage = Openvap({"barcode", "scan", dir.path() + "/garbage.png"});
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("not a PNG or JPEG"), std::string::npos) << garbage.err;

  const std::string png = AsString(barcode::EncodePng(blank).value());
  WriteText(dir.path() + "/truncated.png", png.substr(0, png.size() / 2));
  const auto truncated = Openvap({"barcode", "scan", dir.path() + "/truncated.png"});
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_NE(truncated.err.find("PNG"), std::string::npos) << truncated.err;

  const auto missing = Openvap({"barcode", "scan", dir.path() + "/nope.png"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.png"), std::string::npos) << missing.err;

  const auto empty = Openvap({"barcode", "render", "--symbology", "qr", "--as", "png"}, "");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("empty"), std::string::npos) << empty.err;

  const std::string too_big(5000, '\x9c');
  const auto big =
      Openvap({"barcode", "render", "--symbology", "datamatrix", "--as", "png"}, too_big);
  EXPECT_EQ(big.exit_code, 1);
  EXPECT_NE(big.err.find("at most"), std::string::npos) << big.err;
}

TEST(BarcodeCli, UsageErrorsExitTwoNamingTheOption) {
  const auto no_as = Openvap({"barcode", "render", "--symbology", "qr"}, "00");
  EXPECT_EQ(no_as.exit_code, 2);
  EXPECT_NE(no_as.err.find("--as"), std::string::npos) << no_as.err;
  const auto bad_symbology =
      Openvap({"barcode", "render", "--symbology", "aztec", "--as", "png"}, "00");
  EXPECT_EQ(bad_symbology.exit_code, 2);
  EXPECT_NE(bad_symbology.err.find("--symbology"), std::string::npos) << bad_symbology.err;
  const auto bad_size = Openvap(
      {"barcode", "render", "--symbology", "qr", "--as", "png", "--module-size", "0"}, "00");
  EXPECT_EQ(bad_size.exit_code, 2);
  EXPECT_NE(bad_size.err.find("--module-size"), std::string::npos) << bad_size.err;
  const auto no_image = Openvap({"barcode", "scan"});
  EXPECT_EQ(no_image.exit_code, 2);
  EXPECT_NE(no_image.err.find("image"), std::string::npos) << no_image.err;
  const auto bad_as = Openvap({"barcode", "scan", "x.png", "--as", "base64"});
  EXPECT_EQ(bad_as.exit_code, 2);
  EXPECT_NE(bad_as.err.find("--as"), std::string::npos) << bad_as.err;
  const auto no_sub = Openvap({"barcode"});
  EXPECT_EQ(no_sub.exit_code, 2);
}

}  // namespace
}  // namespace openvap::testing
