#!/usr/bin/env python3
"""Writes the seed corpora of the seal fuzz targets from tests/vectors/seals/vectors.tsv.

Usage (from the repository root): python3 fuzz/tools/seal_seeds.py

fuzz/corpus/vds_decode/: each vds-hex vector as raw bytes, plus a few truncations.
fuzz/corpus/idb_decode/: each idb-text vector as its barcode text.
fuzz/corpus/mrz_parse/: ICAO Doc 9303 specimen MRZs of every format (written here).
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests/vectors/seals/vectors.tsv"
CORPUS = ROOT / "fuzz/corpus"

MRZ = {
    # ICAO 9303-4 TD3 specimen (passport)
    "td3": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
           "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    # ICAO 9303-7 MRV-A specimen (visa)
    "mrv-a": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
             "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
    # ICAO 9303-7 MRV-B specimen
    "mrv-b": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
             "L8988901C4XXX4009078F9612109<<<<<<<<",
    # ICAO 9303-6 TD2 specimen
    "td2": "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
           "D231458907UTO7408122F1204159<<<<<<<6",
    # ICAO 9303-5 TD1 specimen
    "td1": "I<UTOD231458907<<<<<<<<<<<<<<<"
           "7408122F1204159UTO<<<<<<<<<<<6"
           "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    # the VDS visa profile keeps 28 characters of line 2
    "vds-visa-short": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                      "L898902C<3UTO6908061F9406236",
    # a wrong check digit
    "td3-bad-check": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                     "L898902C37UTO7408122F1204159ZE184226B<<<<<10",
    # two lines with a line break
    "td2-lines": "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"
                 "D231458907UTO7408122F1204159<<<<<<<6\n",
    # characters outside the MRZ set
    "lowercase": "p<utoeriksson<<anna<maria<<<<<<<<<<<"
                 "D231458907UTO7408122F1204159<<<<<<<6",
    "empty": "",
}


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def main():
    vds = CORPUS / "vds_decode"
    idb = CORPUS / "idb_decode"
    mrz = CORPUS / "mrz_parse"
    for d in (vds, idb, mrz):
        d.mkdir(parents=True, exist_ok=True)
    seen = set()
    for line in VECTORS.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        ident, fmt, payload = cols[0], cols[1], cols[5]
        name = slug(ident)
        while name in seen:
            name += "-2"
        seen.add(name)
        if fmt == "vds-hex":
            (vds / (name + ".bin")).write_bytes(bytes.fromhex(payload))
        elif fmt == "idb-text":
            (idb / (name + ".txt")).write_text(payload)
    # A header only, a seal cut inside its signature, and a seal as hex text (DecodeSeal).
    sample = bytes.fromhex(
        [c.split("\t")[5] for c in VECTORS.read_text().splitlines()
         if c.startswith("vdstools:residentPermit")][0])
    (vds / "header-only.bin").write_bytes(sample[:12])
    (vds / "truncated-signature.bin").write_bytes(sample[:-10])
    (vds / "hex-text.txt").write_text(sample.hex())
    for name, text in MRZ.items():
        (mrz / (name + ".txt")).write_text(text)


if __name__ == "__main__":
    main()
