# trust: ICAO CSCA master lists (CMS SignedData) and what TrustStore::AddBytes loads.
openvap_fuzz_target(master_list_load DEPS openvap_trust openvap_crypto)

# The generator of the certificate, CRL, master-list (and issued-seal) seeds; not built by
# default (see fuzz/tools/trust_seeds.cc for the command).
if(NOT OPENVAP_FUZZ)
  add_executable(fuzz_trust_seeds EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/tools/trust_seeds.cc)
  target_link_libraries(fuzz_trust_seeds PRIVATE openvap_trust openvap_crypto openvap_seal
                        openvap_warnings)
endif()
