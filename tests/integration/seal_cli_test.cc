// `openvap seal` and `openvap pki` through the real binary (issue 3 CLI contract; DV-SEAL,
// DV-OFFLINE, RP-TRUST, RP-REVOKE): every third-party vector's verdict, the JSON shapes, exit
// codes 0/1/2, and a whole PKI made with the CLI — CSCA, signer, seal, CRL, revocation,
// master list and offline bundle.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>

#include "support/process.h"
#include "support/test_files.h"

namespace openvap::testing {
namespace {

std::string Cert(std::string_view name) { return "tests/vectors/seals/certs/" + std::string(name); }

nlohmann::json Json(const CommandResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  return j;
}

// Issue 3 "Must show": every vector gives its expected verdict through the CLI, with its `at`.
TEST(SealCli, EveryVectorGivesItsExpectedVerdict) {
  const auto vectors = ReadSealVectors();
  ASSERT_GE(vectors.size(), 35U);
  for (const SealVector& v : vectors) {
    std::vector<std::string> args{"seal", "verify", "-", "--at", v.at};
    if (!v.signer_cert.empty()) {
      args.emplace_back("--trust");
      args.push_back(Cert(v.signer_cert));
    }
    const CommandResult r = RunOpenvap(args, v.payload + "\n");
    const nlohmann::json j = Json(r);
    EXPECT_EQ(j.value("status", ""), v.expect) << v.id << ": " << j.value("reason", "");
    EXPECT_EQ(r.exit_code, v.expect == "valid" ? 0 : 1) << v.id;
    EXPECT_TRUE(j.contains("reason") && j.contains("signer")) << v.id;
  }
}

// A directory of trust material works like the files one by one.
TEST(SealCli, ATrustDirectoryHoldsEverySigner) {
  for (const SealVector& v : ReadSealVectors()) {
    if (v.expect != "valid") continue;
    const CommandResult r =
        RunOpenvap({"seal", "verify", "-", "--trust", Cert(""), "--at", v.at}, v.payload);
    EXPECT_EQ(r.exit_code, 0) << v.id << ": " << r.out;
  }
}

TEST(SealCli, DecodePrintsTheContractFields) {
  int vds = 0;
  int idb = 0;
  for (const SealVector& v : ReadSealVectors()) {
    const CommandResult r = RunOpenvap({"seal", "decode"}, v.payload);
    ASSERT_EQ(r.exit_code, 0) << v.id << ": " << r.err;
    const nlohmann::json j = Json(r);
    const std::string format = j.value("format", "");
    EXPECT_TRUE(format == "vds" || format == "idb") << v.id;
    (format == "vds" ? vds : idb)++;
    for (const char* key : {"version", "country", "signer", "cert_ref", "issued", "signed",
                            "feature_ref", "category"}) {
      EXPECT_TRUE(j["header"].contains(key)) << v.id << " lacks " << key << ": " << j.dump();
    }
    EXPECT_TRUE(j.contains("document_type")) << v.id;
    EXPECT_TRUE(j["features"].is_array() || j["features"].is_object()) << v.id;
    EXPECT_TRUE(j["signature_present"].is_boolean()) << v.id;
  }
  EXPECT_GT(vds, 20);
  EXPECT_GT(idb, 5);
}

TEST(SealCli, BadInputAndUsageErrors) {
  const CommandResult garbage = RunOpenvap({"seal", "decode"}, "not a seal at all");
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("malformed"), std::string::npos) << garbage.err;

  const CommandResult malformed = RunOpenvap({"seal", "verify", "-", "--at", "2027-01-01"}, "dc03");
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_EQ(Json(malformed).value("status", ""), "malformed");

  const CommandResult bad_at = RunOpenvap({"seal", "verify", "-", "--at", "yesterday"}, "dc03");
  EXPECT_EQ(bad_at.exit_code, 2);
  EXPECT_NE(bad_at.err.find("--at"), std::string::npos);

  const CommandResult bad_trust =
      RunOpenvap({"seal", "verify", "-", "--trust", "/no/such/file"}, "dc03");
  EXPECT_EQ(bad_trust.exit_code, 2);
  EXPECT_NE(bad_trust.err.find("/no/such/file"), std::string::npos);

  EXPECT_EQ(RunOpenvap({"seal", "decode", "/no/such/file"}).exit_code, 2);
  EXPECT_EQ(RunOpenvap({"seal", "sign", "--profile", "eu-digital-visa"}).exit_code, 2);
  EXPECT_EQ(RunOpenvap({"seal"}).exit_code, 2);
  EXPECT_EQ(RunOpenvap({"pki", "csca", "--country", "FR"}).exit_code, 2);
  const CommandResult bogus = RunOpenvap({"seal", "bogus"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("unknown command 'bogus' (one of decode, verify"), std::string::npos)
      << bogus.err;
  // More handler threads than a machine can start was an abort at start.
  const CommandResult threads = RunOpenvap({"serve", "--threads", "100000"});
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.err.find("--threads"), std::string::npos) << threads.err;
}

// A directory where a file belongs is a clear error, not an abort (libstdc++ throws from a
// failed read of a directory whatever the stream's exception mask).
TEST(SealCli, ADirectoryForAFileIsAnErrorNotACrash) {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"seal", "decode", dir.path()},
        {"seal", "verify", dir.path()},
        {"rules", "check", dir.path()},
        {"barcode", "scan", dir.path()},
        {"barcode", "render", dir.path(), "--symbology", "qr", "--as", "svg"},
        {"seal", "sign", "--key", dir.path(), "--cert", dir.path(), "--profile", "eu-digital-visa",
         "--data", "@" + dir.path()}}) {
    const CommandResult r = RunOpenvap(args);
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << args[1] << ": " << r.exit_code << r.err;
    EXPECT_NE(r.err.find("directory"), std::string::npos) << args[1] << ": " << r.err;
    EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
  }
}

// Input beyond what any seal, image or form needs is refused with a message, not read into all
// the memory there is (`seal decode /dev/zero` took 24 GB, and aborted under a memory limit).
TEST(SealCli, HugeInputIsRefusedNotReadWhole) {
  TempDir dir;
  const std::string huge = dir.path() + "/huge.bin";
  ASSERT_EQ(::truncate(huge.c_str(), 0), -1);  // not there yet
  { std::ofstream(huge).put('0'); }
  ASSERT_EQ(::truncate(huge.c_str(), (64 << 20) + 1), 0);  // sparse: costs no disk
  for (const std::vector<std::string>& args : {std::vector<std::string>{"seal", "decode", huge},
                                               {"seal", "verify", huge},
                                               {"rules", "check", huge},
                                               {"barcode", "scan", huge}}) {
    const CommandResult r = RunOpenvap(args);
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << args[1] << ": " << r.exit_code << r.err;
    EXPECT_NE(r.err.find("larger than 64 MiB"), std::string::npos) << args[1] << ": " << r.err;
  }
}

TEST(SealCli, ProfilesListsOursAndTheirFields) {
  const CommandResult text = RunOpenvap({"seal", "profiles"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("eu-digital-visa"), std::string::npos);
  const nlohmann::json j = Json(RunOpenvap({"seal", "profiles", "--json"}));
  bool visa = false;
  for (const auto& p : j) {
    if (p["name"] != "eu-digital-visa") continue;
    visa = true;
    std::vector<std::string> names;
    for (const auto& f : p["fields"]) names.push_back(f["name"]);
    for (const char* want : {"visa_number", "visa_type", "valid_from", "valid_until", "territory",
                             "number_of_entries", "duration_of_stay_days", "surname", "given_names",
                             "date_of_birth", "nationality", "travel_document_number"}) {
      EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
    }
  }
  EXPECT_TRUE(visa);
}

// The ICAO test key signs a seal that names UTO/UTTS/5B, which verifies under the ICAO test
// certificate only; any single changed bit fails through the CLI too.
TEST(SealCli, SignWithTheIcaoTestKey) {
  const std::string data =
      R"({"mrz_mrv_a": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C<3UTO6908061F9406236",
          "number_of_entries": 0, "duration_of_stay": {"days": 90, "months": 0, "years": 0},
          "passport_number": "L898902C<"})";
  const CommandResult signed_seal = RunOpenvap(
      {"seal", "sign", "--key", Cert("UTTS5B.key.pem"), "--cert", Cert("UTTS5B.der"), "--profile",
       "icao-visa", "--data", data, "--issued", "2026-12-01", "--signed", "2026-12-01"});
  ASSERT_EQ(signed_seal.exit_code, 0) << signed_seal.err;
  const std::string hex = signed_seal.out.substr(0, signed_seal.out.find('\n'));
  // FORMATS.md: magic DC, version 4 (0x03), then C40 "UTO", signer and reference.
  EXPECT_EQ(hex.substr(0, 4), "dc03");
  const nlohmann::json decoded = Json(RunOpenvap({"seal", "decode"}, hex));
  EXPECT_EQ(decoded["header"]["country"], "UTO");
  EXPECT_EQ(decoded["header"]["signer"], "UTTS");
  EXPECT_EQ(decoded["header"]["cert_ref"], "5B");
  EXPECT_EQ(decoded["header"]["issued"], "2026-12-01");
  const auto verify = [&](const std::string& seal) {
    return RunOpenvap(
        {"seal", "verify", "-", "--trust", Cert("UTTS5B.der"), "--at", "2026-12-01T12:00:00Z"},
        seal);
  };
  EXPECT_EQ(verify(hex).exit_code, 0);
  for (std::size_t i = 0; i < hex.size(); i += 7) {  // one bit in a spread of nibbles
    std::string changed = hex;
    const int nibble = std::stoi(changed.substr(i, 1), nullptr, 16) ^ 1;
    changed[i] = "0123456789abcdef"[nibble];
    EXPECT_EQ(verify(changed).exit_code, 1) << "nibble " << i;
  }
  // PNG output scans back to the same bytes.
  TempDir dir;
  const std::string png = dir.path() + "/seal.png";
  ASSERT_EQ(RunOpenvap({"seal", "sign", "--key", Cert("UTTS5B.key.pem"), "--cert",
                        Cert("UTTS5B.der"), "--profile", "icao-visa", "--data", data, "--issued",
                        "2026-12-01", "--signed", "2026-12-01", "--as", "png", "--out", png})
                .exit_code,
            0);
  // ECDSA signatures differ each time (random k): the header and message agree, and the
  // scanned seal verifies.
  const std::string scanned = RunOpenvap({"barcode", "scan", png}).out;
  const std::size_t unsigned_hex = hex.size() - 128;  // P-256: r||s is 64 bytes, 128 hex digits
  EXPECT_EQ(scanned.substr(0, unsigned_hex), hex.substr(0, unsigned_hex));
  EXPECT_EQ(verify(scanned).exit_code, 0);
}

// A member state's PKI made with the CLI: signer under a CSCA (brainpool, explicit
// parameters), verification via the CSCA plus signer, revocation by CRL, master list and
// offline bundle; keys are owner-only.
TEST(PkiCli, AWholeMemberStatePki) {
  TempDir dir;
  const std::string d = dir.path() + "/";
  const auto run = [](const std::vector<std::string>& args, const std::string& in = "") {
    CommandResult r = RunOpenvap(args, in);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  run({"pki", "csca", "--country", "FR", "--name", "CSCA France", "--curve", "brainpoolP256r1",
       "--explicit-parameters", "--from", "2026-01-01", "--key-out", d + "csca.key", "--cert-out",
       d + "csca.pem"});
  run({"pki", "signer", "--ca-key", d + "csca.key", "--ca-cert", d + "csca.pem", "--name",
       "VS visa signer", "--document-types", "V", "--serial", "0A1B", "--from", "2026-01-01",
       "--key-out", d + "signer.key", "--cert-out", d + "signer.der"});
  struct stat st {};
  ASSERT_EQ(stat((d + "signer.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  ASSERT_EQ(stat((d + "csca.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  // A private key is never overwritten, nor written where its certificate goes.
  const auto csca_key = ReadFileBytes(d + "csca.key");
  for (const std::vector<std::string>& again :
       {std::vector<std::string>{"pki", "csca", "--country", "FR", "--name", "CSCA B", "--key-out",
                                 d + "csca.key", "--cert-out", d + "other.pem"},
        {"pki", "signer", "--ca-key", d + "csca.key", "--ca-cert", d + "csca.pem", "--name",
         "VS visa signer", "--key-out", d + "signer.key", "--cert-out", d + "other.pem"},
        {"pki", "csca", "--country", "FR", "--name", "CSCA C", "--key-out", d + "same",
         "--cert-out", d + "same"}}) {
    const CommandResult refused = RunOpenvap(again);
    EXPECT_EQ(refused.exit_code, 2) << again[1];
    EXPECT_NE(refused.err.find("--key-out"), std::string::npos) << refused.err;
  }
  EXPECT_EQ(ReadFileBytes(d + "csca.key"), csca_key);
  EXPECT_FALSE(std::filesystem::exists(d + "other.pem"));
  EXPECT_FALSE(std::filesystem::exists(d + "same"));

  const std::string visa = R"({"visa_number": "FRA123456784", "visa_type": "C",
      "valid_from": "2027-01-01", "valid_until": "2027-03-01", "number_of_entries": 1,
      "duration_of_stay_days": 30, "surname": "DOE", "nationality": "IND",
      "travel_document_number": "X1234567"})";
  const std::string hex =
      run({"seal", "sign", "--key", d + "signer.key", "--cert", d + "signer.der", "--profile",
           "eu-digital-visa", "--data", visa, "--issued", "2027-01-01"})
          .out;
  const nlohmann::json header = Json(RunOpenvap({"seal", "decode"}, hex))["header"];
  EXPECT_EQ(header["country"], "FRA");
  EXPECT_EQ(header["signer"], "FRVS");
  EXPECT_EQ(header["cert_ref"], "A1B");

  const auto status = [&](const std::vector<std::string>& trust, const std::string& at) {
    std::vector<std::string> args{"seal", "verify", "-", "--at", at};
    for (const auto& t : trust) {
      args.emplace_back("--trust");
      args.push_back(t);
    }
    return Json(RunOpenvap(args, hex)).value("status", "");
  };
  EXPECT_EQ(status({d + "csca.pem", d + "signer.der"}, "2027-01-02"), "valid");
  EXPECT_EQ(status({d}, "2027-01-02"), "valid");  // the folder; keys are skipped
  EXPECT_EQ(status({d + "csca.pem"}, "2027-01-02"), "unknown-signer");
  EXPECT_EQ(status({d + "csca.pem", d + "signer.der"}, "2030-01-02"), "expired-signer");
  // The visa's own dates (2027-01-01 to 2027-03-01): a genuine seal of a visa that is not valid
  // that day exits 3 and says why (DV-OFFLINE, RP-CHECK).
  for (const auto& [at, validity, exit_code] :
       std::vector<std::tuple<std::string, std::string, int>>{{"2026-12-31", "not-yet-valid", 3},
                                                              {"2027-01-01", "valid", 0},
                                                              {"2027-03-01", "valid", 0},
                                                              {"2027-03-02", "expired", 3}}) {
    const CommandResult r = RunOpenvap(
        {"seal", "verify", "-", "--trust", d + "csca.pem", "--trust", d + "signer.der", "--at", at},
        hex);
    EXPECT_EQ(Json(r).value("status", ""), "valid") << at;
    EXPECT_EQ(Json(r).value("document_validity", ""), validity) << at;
    EXPECT_EQ(r.exit_code, exit_code) << at;
  }

  // A signer that the CSCA did not issue does not chain: pinning only the CSCA is not enough.
  run({"pki", "csca", "--country", "FR", "--name", "CSCA France", "--key-out", d + "rogue.key",
       "--cert-out", d + "rogue.pem"});
  run({"pki", "signer", "--ca-key", d + "rogue.key", "--ca-cert", d + "rogue.pem", "--name",
       "VS visa signer", "--serial", "0A1B", "--key-out", d + "rogue-signer.key", "--cert-out",
       d + "rogue-signer.pem"});
  const std::string rogue_hex =
      run({"seal", "sign", "--key", d + "rogue-signer.key", "--cert", d + "rogue-signer.pem",
           "--profile", "eu-digital-visa", "--data", visa, "--issued", "2027-01-01"})
          .out;
  const CommandResult rogue = RunOpenvap({"seal", "verify", "-", "--trust", d + "csca.pem",
                                          "--trust", d + "signer.der", "--at", "2027-01-02"},
                                         rogue_hex);
  EXPECT_EQ(rogue.exit_code, 1);
  EXPECT_EQ(Json(rogue).value("status", ""), "invalid-signature") << rogue.out;

  // Revocation (RP-REVOKE): the CSCA revokes the signer; the CRL is trust material.
  run({"pki", "crl", "--ca-key", d + "csca.key", "--ca-cert", d + "csca.pem", "--out",
       d + "crl.pem"});
  EXPECT_EQ(status({d + "csca.pem", d + "signer.der", d + "crl.pem"}, "2027-01-02"), "valid");
  run({"pki", "revoke", "--ca-key", d + "csca.key", "--ca-cert", d + "csca.pem", "--crl",
       d + "crl.pem", "--cert", d + "signer.der"});
  EXPECT_EQ(status({d + "csca.pem", d + "signer.der", d + "crl.pem"}, "2027-01-02"),
            "revoked-signer");

  // Master list of the CSCA and the offline bundle of everything, both signed.
  run({"pki", "master-list", "--key", d + "csca.key", "--cert", d + "csca.pem", "--out",
       d + "ml.der", d + "csca.pem"});
  EXPECT_EQ(status({d + "ml.der", d + "signer.der"}, "2027-01-02"), "valid");  // no CRL given
  run({"pki", "bundle", "--key", d + "csca.key", "--cert", d + "csca.pem", "--out",
       d + "bundle.der", d + "csca.pem", d + "signer.der", d + "crl.pem"});
  EXPECT_EQ(status({d + "bundle.der"}, "2027-01-02"), "revoked-signer");

  // Usage errors name what is wrong.
  const CommandResult wrong =
      RunOpenvap({"pki", "signer", "--ca-key", d + "signer.key", "--ca-cert", d + "signer.der",
                  "--name", "XX", "--key-out", d + "x.key", "--cert-out", d + "x.pem"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("not a certification authority"), std::string::npos) << wrong.err;
  const CommandResult curve =
      RunOpenvap({"pki", "csca", "--country", "FR", "--name", "X", "--curve", "P-999", "--key-out",
                  d + "y.key", "--cert-out", d + "y.pem"});
  EXPECT_EQ(curve.exit_code, 2);
  EXPECT_NE(curve.err.find("--curve"), std::string::npos);
}

}  // namespace
}  // namespace openvap::testing
