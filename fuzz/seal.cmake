# seal: VDS bytes, IDB barcode text and machine-readable zones (issue 3).
openvap_fuzz_target(vds_decode DEPS openvap_seal)
openvap_fuzz_target(idb_decode DEPS openvap_seal)
openvap_fuzz_target(mrz_parse DEPS openvap_seal)
