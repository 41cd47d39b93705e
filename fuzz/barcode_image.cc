// Fuzz target: image files given to `openvap barcode scan` (PNG/JPEG decoding with libpng and
// libjpeg, then zxing-cpp and libdmtx on the pixels). Any input must give a value or a named
// Error, never a crash, hang or out-of-bounds read.
#include <cstddef>
#include <cstdint>

#include "adapters/barcode/barcode.h"
#include "adapters/barcode/image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const openvap::ByteView file(data, size);
  auto image = openvap::barcode::DecodeImage(file, 1);
  if (!image.ok()) return 0;
  (void)openvap::barcode::DecodeImage(file, 3);
  // Keep each run short: big pictures only exercise the decoders.
  if (static_cast<std::int64_t>(image->width) * image->height > std::int64_t{512} * 512) return 0;
  openvap::barcode::ScanOptions options;
  options.libdmtx_timeout_ms = 200;
  auto found = openvap::barcode::ScanRaster(*image, options);
  if (found.ok() && found->payload.empty() && found->method.empty()) return 1;
  return 0;
}
