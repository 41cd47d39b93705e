# Barcode and PDF throughput (adapters/barcode, adapters/pdf); docs/barcodes.md records the
# numbers and the command.
openvap_benchmark(barcode_bench SOURCES barcode_bench.cc DEPS openvap_barcode openvap_pdf)
