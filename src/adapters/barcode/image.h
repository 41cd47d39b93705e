#ifndef OPENVAP_ADAPTERS_BARCODE_IMAGE_H_
#define OPENVAP_ADAPTERS_BARCODE_IMAGE_H_

// Raster images in and out of files: PNG (libpng) and JPEG (libjpeg). Used to scan barcodes
// from photos and scans, to write rendered barcodes, and by adapters/pdf to place a facial
// image. Decoders take untrusted bytes: they never crash on them and return an Error that
// says what is wrong ("not-an-image", "malformed-image", "image-too-large").

#include <openvap/result.h>

#include <cstdint>
#include <vector>

#include "base/bytes.h"

namespace openvap::barcode {

enum class ImageFileFormat { kPng, kJpeg };

// 8-bit pixels, rows top to bottom without padding; `channels` is 1 (grey, 0 = black) or
// 3 (RGB). pixels.size() == width * height * channels.
struct RasterImage {
  int width = 0;
  int height = 0;
  int channels = 1;
  std::vector<std::uint8_t> pixels;

  std::uint8_t& At(int x, int y, int channel = 0) {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + channel];
  }
  std::uint8_t At(int x, int y, int channel = 0) const {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + channel];
  }
};

// The largest image the decoders accept, in pixels (a full A4 page at 600 dpi is 35 Mpx).
// Larger images are refused with "image-too-large" before any pixel is allocated, so a small
// file that claims huge dimensions cannot exhaust memory.
inline constexpr std::int64_t kMaxImagePixels = 64LL * 1024 * 1024;

// The format of an image file from its signature bytes, or "not-an-image" naming what the
// first bytes look like.
Result<ImageFileFormat> DetectImageFormat(ByteView file);

// Decodes a PNG or JPEG file (any bit depth, palette, alpha over white, progressive JPEG,
// CMYK JPEG excepted) to grey (channels = 1) or RGB (channels = 3).
Result<RasterImage> DecodeImage(ByteView file, int channels = 1);

// PNG of a grey or RGB image. Deterministic: no time stamp or text chunks.
Result<Bytes> EncodePng(const RasterImage& image);

// Baseline JPEG of a grey or RGB image at `quality` 1..100.
Result<Bytes> EncodeJpeg(const RasterImage& image, int quality = 90);

}  // namespace openvap::barcode

#endif  // OPENVAP_ADAPTERS_BARCODE_IMAGE_H_
