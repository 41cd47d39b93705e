// `openvap barcode render|scan` (issue 3, "Barcodes" and the CLI contract; DV-SEAL, RP-OFFLINE):
// a seal's payload to a DataMatrix or QR image, and an image back to the payload.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <memory>
#include <ostream>

#include "adapters/barcode/barcode.h"
#include "app/cli.h"
#include "app/cli_io.h"
#include "base/bytes.h"

namespace openvap::app {
namespace {

struct RenderOptions {
  std::string input = "-";
  std::string symbology;
  std::string format;
  int module_size = 0;  // 0: 4 for both PNG (pixels) and SVG (user units)
  int quiet_zone = -1;
  std::string ecc = "M";
  std::string out;
};

struct ScanOptions {
  std::string image;
  std::string as;
  bool verbose = false;
};

bool IsSpace(std::uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The payload of a seal given as text or bytes, detected the way `seal decode` reads its input:
// hexadecimal text (white space allowed) is decoded to bytes; text starting with "RDB1" (an ICAO
// IDB barcode string) is that text, surrounding white space removed; anything else is taken as
// raw bytes unchanged.
Bytes DetectPayload(const Bytes& input) {
  auto first = std::find_if_not(input.begin(), input.end(), IsSpace);
  auto last = std::find_if_not(input.rbegin(), input.rend(), IsSpace).base();
  if (first >= last) return input;
  Bytes trimmed(first, last);
  if (trimmed.size() >= 4 && std::equal(trimmed.begin(), trimmed.begin() + 4, "RDB1"))
    return trimmed;
  const bool hex_text = std::all_of(trimmed.begin(), trimmed.end(), [](std::uint8_t c) {
    return std::isxdigit(c) != 0 || IsSpace(c);
  });
  if (hex_text) {
    auto bytes = FromHex(AsString(trimmed));
    if (bytes.ok()) return *bytes;
  }
  return input;
}

barcode::QrErrorCorrection EccLevel(const std::string& level) {
  if (level == "L") return barcode::QrErrorCorrection::kLow;
  if (level == "Q") return barcode::QrErrorCorrection::kQuartile;
  if (level == "H") return barcode::QrErrorCorrection::kHigh;
  return barcode::QrErrorCorrection::kMedium;
}

int Render(const RenderOptions& options, CliContext& ctx) {
  auto input = ReadInput(options.input, ctx.in);
  if (!input.ok()) {
    ctx.err << "openvap barcode render: " << input.error().message << "\n";
    return kExitFailure;
  }
  const Bytes payload = DetectPayload(*input);
  barcode::EncodeOptions encode;
  encode.symbology = barcode::ParseSymbology(options.symbology).value();  // checked by CLI11
  encode.qr_error_correction = EccLevel(options.ecc);
  const int module_size = options.module_size > 0 ? options.module_size : 4;
  auto data = barcode::RenderBarcodeImage(
      payload, encode,
      options.format == "png" ? barcode::ImageFormat::kPng : barcode::ImageFormat::kSvg,
      module_size, options.quiet_zone);
  if (!data.ok()) {
    ctx.err << "openvap barcode render: " << data.error().message << "\n";
    return kExitFailure;
  }
  const Status written = WriteOutput(options.out, *data, ctx.out);
  if (!written.ok()) {
    ctx.err << "openvap barcode render: " << written.error().message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// Printable text: UTF-8 without control characters other than tab and line breaks.
bool IsPrintableText(const Bytes& bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t c = bytes[i];
    int extra = 0;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return false;
    }
    for (int k = 1; k <= extra; ++k)
      if (i + k >= bytes.size() || (bytes[i + k] & 0xc0) != 0x80) return false;
    i += 1 + extra;
  }
  return true;
}

int Scan(const ScanOptions& options, CliContext& ctx) {
  auto file = ReadInput(options.image, ctx.in);
  if (!file.ok()) {
    ctx.err << "openvap barcode scan: " << file.error().message << "\n";
    return kExitFailure;
  }
  auto found = barcode::ScanImageFile(*file);
  if (!found.ok()) {
    const bool none = found.error().code == "no-barcode-found";
    ctx.err << "openvap barcode scan: " << (none ? "no barcode found: " : "")
            << found.error().message << "\n";
    return kExitFailure;
  }
  if (options.verbose) {
    ctx.err << "openvap barcode scan: " << barcode::SymbologyName(found->symbology) << ", "
            << found->payload.size() << " bytes, found by " << found->method << "\n";
  }
  const Bytes& payload = found->payload;
  std::string as = options.as;
  if (as.empty()) {
    const bool idb =
        payload.size() >= 4 && std::equal(payload.begin(), payload.begin() + 4, "RDB1");
    as = idb && IsPrintableText(payload) ? "text" : "hex";
  }
  if (as == "hex") {
    ctx.out << ToHex(payload) << "\n";
  } else if (as == "raw") {
    ctx.out.write(reinterpret_cast<const char*>(payload.data()),  // NOLINT: byte output
                  static_cast<std::streamsize>(payload.size()));
  } else {
    if (!IsPrintableText(payload)) {
      ctx.err << "openvap barcode scan: the payload (" << payload.size()
              << " bytes) is binary, not text; use --as hex or --as raw\n";
      return kExitFailure;
    }
    ctx.out << AsString(payload) << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddBarcodeCommands(CLI::App& root, CliContext& ctx, CommandAction& action) {
  CLI::App* group = root.add_subcommand(
      "barcode", "Render a seal payload as DataMatrix or QR (PNG, SVG); scan images back");
  group->require_subcommand(1);

  auto render = std::make_shared<RenderOptions>();
  CLI::App* render_cmd = group->add_subcommand(
      "render",
      "Render a payload as a barcode image. The input is hex text (decoded to bytes), IDB text\n"
      "starting with RDB1 (encoded as that text) or raw bytes; '-' or nothing reads stdin.");
  render_cmd->add_option("input", render->input, "Payload file, or - for standard input")
      ->capture_default_str();
  render_cmd->add_option("--symbology", render->symbology, "datamatrix or qr")
      ->required()
      ->check(CLI::IsMember({"datamatrix", "qr"}));
  render_cmd->add_option("--as", render->format, "Image format: png or svg")
      ->required()
      ->check(CLI::IsMember({"png", "svg"}));
  render_cmd
      ->add_option("--module-size", render->module_size,
                   "Pixels (PNG) or SVG units per module, 1..100 (default 4)")
      ->check(CLI::Range(1, 100));
  render_cmd
      ->add_option("--quiet-zone", render->quiet_zone,
                   "Quiet zone in modules (default: 2 for DataMatrix, 4 for QR)")
      ->check(CLI::Range(0, 100));
  render_cmd->add_option("--ecc", render->ecc, "QR error correction: L, M, Q or H")
      ->capture_default_str()
      ->check(CLI::IsMember({"L", "M", "Q", "H"}));
  render_cmd->add_option("--out", render->out, "Write the image here (default: standard output)");
  render_cmd->callback(
      [render, &ctx, &action] { action = [render, &ctx] { return Render(*render, ctx); }; });

  auto scan = std::make_shared<ScanOptions>();
  CLI::App* scan_cmd = group->add_subcommand(
      "scan",
      "Find a DataMatrix or QR code in a PNG or JPEG image (a photo, a scan, a full page) and\n"
      "print its payload: hex for binary data, the text itself for IDB (RDB1...) text.\n"
      "Exit 1 when no barcode is found.");
  scan_cmd->add_option("image", scan->image, "PNG or JPEG file, or - for standard input")
      ->required();
  scan_cmd->add_option("--as", scan->as, "Output: hex, raw (the bytes) or text")
      ->check(CLI::IsMember({"hex", "raw", "text"}));
  scan_cmd->add_flag("--verbose,-v", scan->verbose,
                     "Say on standard error which symbology and which reader found the code");
  scan_cmd->callback([scan, &ctx, &action] { action = [scan, &ctx] { return Scan(*scan, ctx); }; });
}

}  // namespace openvap::app
