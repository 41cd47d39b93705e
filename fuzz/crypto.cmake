# crypto: certificate and CRL files (DER, PEM) as the trust store and `openvap pki` read them.
openvap_fuzz_target(certificate_load DEPS openvap_crypto)
openvap_fuzz_target(crl_load DEPS openvap_crypto)
