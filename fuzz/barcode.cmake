# adapters/barcode: image files to scan (PNG, JPEG).
openvap_fuzz_target(barcode_image DEPS openvap_barcode)
