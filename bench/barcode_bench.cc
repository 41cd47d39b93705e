// Costs of the barcode paths an issuer and a verifier run: encode (with its built-in decode
// check), PNG/SVG rendering, scanning a cropped symbol and a full A4 page, and a PDF document.
// docs/barcodes.md records the numbers with the command.
#include <benchmark/benchmark.h>

#include "adapters/barcode/barcode.h"
#include "adapters/barcode/image.h"
#include "adapters/pdf/document.h"
#include "base/random.h"

namespace openvap::barcode {
namespace {

Bytes Payload(std::size_t size) {
  SeededRandom random(size);
  Bytes out(size);
  random.Fill(out);
  return out;
}

Symbology SymbologyOf(const benchmark::State& state) {
  return state.range(1) == 0 ? Symbology::kDataMatrix : Symbology::kQrCode;
}

void EncodeBench(benchmark::State& state) {
  const Bytes payload = Payload(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto matrix = EncodeBarcode(payload, {SymbologyOf(state)});
    benchmark::DoNotOptimize(matrix);
  }
}
BENCHMARK(EncodeBench)->ArgsProduct({{100, 1000, 1500}, {0, 1}})->Unit(benchmark::kMillisecond);

void RenderPngBench(benchmark::State& state) {
  const ModuleMatrix matrix = EncodeBarcode(Payload(1000), {SymbologyOf(state)}).value();
  for (auto _ : state) {
    auto png = RenderPng(matrix, static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(png);
  }
}
BENCHMARK(RenderPngBench)->ArgsProduct({{4}, {0, 1}})->Unit(benchmark::kMicrosecond);

void RenderSvgBench(benchmark::State& state) {
  const ModuleMatrix matrix = EncodeBarcode(Payload(1000), {SymbologyOf(state)}).value();
  for (auto _ : state) {
    auto svg = RenderSvg(matrix, 4);
    benchmark::DoNotOptimize(svg);
  }
}
BENCHMARK(RenderSvgBench)->ArgsProduct({{0}, {0, 1}})->Unit(benchmark::kMicrosecond);

// A cropped symbol at 4 px per module (a phone camera's view after cropping).
void ScanSymbolBench(benchmark::State& state) {
  const Bytes payload = Payload(static_cast<std::size_t>(state.range(0)));
  const ModuleMatrix matrix = EncodeBarcode(payload, {SymbologyOf(state)}).value();
  const RasterImage image = RasterizeBarcode(matrix, 4).value();
  for (auto _ : state) {
    auto found = ScanRaster(image);
    if (!found.ok() || found->payload != payload) state.SkipWithError("not scanned");
  }
}
BENCHMARK(ScanSymbolBench)->ArgsProduct({{100, 1000, 1500}, {0, 1}})->Unit(benchmark::kMillisecond);

// A seal placed on an otherwise white A4 page at `dpi` with 0.5 mm modules.
void ScanA4PageBench(benchmark::State& state) {
  const int dpi = static_cast<int>(state.range(0));
  const Bytes payload = Payload(static_cast<std::size_t>(state.range(1)));
  const ModuleMatrix matrix = EncodeBarcode(payload).value();
  const int module_px = dpi == 150 ? 3 : 6;
  const RasterImage symbol = RasterizeBarcode(matrix, module_px).value();
  RasterImage page;
  page.width = dpi == 150 ? 1240 : 2480;
  page.height = dpi == 150 ? 1754 : 3508;
  page.pixels.assign(static_cast<std::size_t>(page.width) * page.height, 255);
  for (int y = 0; y < symbol.height; ++y)
    for (int x = 0; x < symbol.width; ++x)
      page.At(page.width / 2 + x - symbol.width / 2, page.height * 2 / 3 + y) = symbol.At(x, y);
  std::string method;
  for (auto _ : state) {
    auto found = ScanRaster(page);
    if (!found.ok() || found->payload != payload) state.SkipWithError("not scanned");
    if (found.ok()) method = found->method;
  }
  state.SetLabel(method);
}
BENCHMARK(ScanA4PageBench)
    ->ArgsProduct({{150, 300}, {1000, 1500}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

void RenderPdfBench(benchmark::State& state) {
  pdf::PrintableDocument doc;
  doc.language = "bg";
  doc.title_primary = "Разрешение за пребиваване";
  doc.title_secondary = "Residence permit";
  doc.document_number = "BG-RP-2025-000123";
  doc.issuer = "Republic of Bulgaria — Migration Directorate";
  for (int i = 0; i < 10; ++i) doc.fields.push_back({"Поле", "Field", "Стойност / value"});
  RasterImage photo;
  photo.width = 300;
  photo.height = 400;
  photo.channels = 3;
  photo.pixels.assign(std::size_t{300} * 400 * 3, 180);
  doc.photo = EncodeJpeg(photo, 85).value();
  doc.barcode_payload = Payload(1000);
  doc.verify_text = "How to verify";
  doc.verify_url = "https://verify.example.bg/rp";
  for (auto _ : state) {
    auto pdf = pdf::RenderPdf(doc);
    if (!pdf.ok()) state.SkipWithError("render failed");
    benchmark::DoNotOptimize(pdf);
  }
}
BENCHMARK(RenderPdfBench)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace openvap::barcode

BENCHMARK_MAIN();
