#include "adapters/barcode/image.h"

// libjpeg reports fatal errors through a callback that must not return; the decoder below
// longjmp()s back out of it. Only C frames of libjpeg lie between the longjmp and the setjmp,
// and the frame that calls setjmp keeps its C++ objects outside the jumped-over region.
#include <jpeglib.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

namespace openvap::barcode {
namespace {

Error Malformed(const std::string& what) { return Error{"malformed-image", what}; }

Status CheckDimensions(std::int64_t width, std::int64_t height) {
  if (width <= 0 || height <= 0)
    return Malformed("the image has no pixels (" + std::to_string(width) + " x " +
                     std::to_string(height) + ")");
  if (width * height > kMaxImagePixels)
    return Error{"image-too-large", "the image is " + std::to_string(width) + " x " +
                                        std::to_string(height) + " pixels; at most " +
                                        std::to_string(kMaxImagePixels) + " pixels are accepted"};
  return Ok();
}

Result<RasterImage> DecodePng(ByteView file, int channels) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, file.data(), file.size()) == 0)
    return Malformed(std::string("PNG: ") + image.message);
  const Status dims = CheckDimensions(image.width, image.height);
  if (!dims.ok()) {
    png_image_free(&image);
    return dims.error();
  }
  image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  RasterImage out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.channels = channels;
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  // Transparent pixels are composed over white, as on paper.
  png_color white{255, 255, 255};
  if (png_image_finish_read(&image, &white, out.pixels.data(), 0, nullptr) == 0)
    return Malformed(std::string("PNG: ") + image.message);
  return out;
}

struct JpegErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void JpegErrorExit(j_common_ptr cinfo) {
  auto* manager = reinterpret_cast<JpegErrorManager*>(cinfo->err);  // NOLINT: libjpeg's C idiom
  (*cinfo->err->format_message)(cinfo, manager->message);
  std::longjmp(manager->jump, 1);  // NOLINT(cert-err52-cpp): libjpeg's documented error path
}

void JpegSilence(j_common_ptr /*cinfo*/, int /*level*/) {}

// Returns 0 on success, otherwise fills `error` (a C string in `manager`) and returns 1.
// Plain C data only in this frame: it is the target of longjmp.
int DecodeJpegInto(ByteView file, int channels, JpegErrorManager& manager,
                   jpeg_decompress_struct& cinfo, std::vector<std::uint8_t>& pixels, int& width,
                   int& height, bool& too_large) {
  cinfo.err = jpeg_std_error(&manager.base);
  manager.base.error_exit = JpegErrorExit;
  manager.base.emit_message = JpegSilence;
  if (setjmp(manager.jump) != 0) {  // NOLINT(cert-err52-cpp)
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, file.data(), static_cast<unsigned long>(file.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.image_width == 0 || cinfo.image_height == 0 ||
      static_cast<std::int64_t>(cinfo.image_width) * cinfo.image_height > kMaxImagePixels) {
    width = static_cast<int>(cinfo.image_width);
    height = static_cast<int>(cinfo.image_height);
    too_large = true;
    jpeg_destroy_decompress(&cinfo);
    return 1;
  }
  cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  width = static_cast<int>(cinfo.output_width);
  height = static_cast<int>(cinfo.output_height);
  const std::size_t stride = static_cast<std::size_t>(width) * channels;
  pixels.resize(stride * height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels.data() + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return 0;
}

Result<RasterImage> DecodeJpeg(ByteView file, int channels) {
  JpegErrorManager manager{};
  jpeg_decompress_struct cinfo{};
  RasterImage out;
  out.channels = channels;
  bool too_large = false;
  if (DecodeJpegInto(file, channels, manager, cinfo, out.pixels, out.width, out.height,
                     too_large) != 0) {
    if (too_large) {
      OPENVAP_RETURN_IF_ERROR(CheckDimensions(out.width, out.height));
    }
    return Malformed(std::string("JPEG: ") + manager.message);
  }
  return out;
}

}  // namespace

Result<ImageFileFormat> DetectImageFormat(ByteView file) {
  static constexpr std::uint8_t kPngSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (file.size() >= sizeof kPngSignature &&
      std::memcmp(file.data(), kPngSignature, sizeof kPngSignature) == 0)
    return ImageFileFormat::kPng;
  if (file.size() >= 3 && file[0] == 0xff && file[1] == 0xd8 && file[2] == 0xff)
    return ImageFileFormat::kJpeg;
  if (file.empty()) return Error{"not-an-image", "the image file is empty"};
  const std::size_t shown = std::min<std::size_t>(file.size(), 8);
  return Error{"not-an-image",
               "not a PNG or JPEG file (it starts with bytes " + ToHex(file.first(shown)) + ")"};
}

Result<RasterImage> DecodeImage(ByteView file, int channels) {
  if (channels != 1 && channels != 3)
    return Error{"invalid-argument", "channels must be 1 (grey) or 3 (RGB)"};
  OPENVAP_ASSIGN_OR_RETURN(const ImageFileFormat format, DetectImageFormat(file));
  return format == ImageFileFormat::kPng ? DecodePng(file, channels) : DecodeJpeg(file, channels);
}

Result<Bytes> EncodePng(const RasterImage& image) {
  if ((image.channels != 1 && image.channels != 3) || image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels)
    return Error{"invalid-argument", "EncodePng: inconsistent image dimensions"};
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = image.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr) == 0)
    return Error{"png-write-failed", std::string("PNG: ") + png.message};
  Bytes out(size);
  if (png_image_write_to_memory(&png, out.data(), &size, 0, image.pixels.data(), 0, nullptr) == 0)
    return Error{"png-write-failed", std::string("PNG: ") + png.message};
  out.resize(size);
  return out;
}

Result<Bytes> EncodeJpeg(const RasterImage& image, int quality) {
  if ((image.channels != 1 && image.channels != 3) || image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels)
    return Error{"invalid-argument", "EncodeJpeg: inconsistent image dimensions"};
  if (quality < 1 || quality > 100)
    return Error{"invalid-argument", "EncodeJpeg: quality must be 1..100"};
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr error{};
  cinfo.err = jpeg_std_error(&error);  // compressing our own pixels into memory cannot fail
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;  // NOLINT(google-runtime-int): libjpeg's type
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = image.channels;
  cinfo.in_color_space = image.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t stride = static_cast<std::size_t>(image.width) * image.channels;
  while (cinfo.next_scanline < cinfo.image_height) {
    // libjpeg takes non-const rows but does not write to them.
    auto* row = const_cast<JSAMPLE*>(image.pixels.data() + stride * cinfo.next_scanline);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  Bytes out(buffer, buffer + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);  // NOLINT(cppcoreguidelines-no-malloc): allocated by jpeg_mem_dest
  return out;
}

}  // namespace openvap::barcode
