#!/usr/bin/env python3
"""Checks the module layering of DESIGN.md on every #include under src/.

Usage: check_layering.py SRC_DIR MODULES_TXT

MODULES_TXT is written by CMake (cmake/OpenvapModule.cmake): one line per module,
"<dir> <target> <transitive module deps...>". A source file may include headers of its own
module and of the modules it depends on, nothing else. On top of that, third-party headers
that belong to one edge of the system stay there (OpenSSL only in crypto, databases and HTTP
only in their adapters), and the pure core never reads the wall clock.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)

# third-party header prefix -> module dirs allowed to include it
CONFINED = {
    "openssl/": ("crypto",),
    "sqlite3.h": ("adapters/storage",),
    "pqxx/": ("adapters/storage",),
    "libpq-fe.h": ("adapters/storage",),
    "boost/beast": ("adapters/http",),
    "boost/asio": ("adapters/http",),
    "curl/": ("adapters",),
    "ZXing/": ("adapters/barcode",),
    "dmtx.h": ("adapters/barcode",),
    "cairo": ("adapters/pdf",),
    "pango/": ("adapters/pdf",),
    "liboath/": ("adapters/auth", "domain"),
    "argon2.h": ("adapters/auth",),
}

# modules that must stay pure: no databases, HTTP or the wall clock (DESIGN.md)
PURE = ("base", "seal", "rules", "domain", "trust", "crypto")
WALL_CLOCK = re.compile(r"system_clock::now|steady_clock::now|\btime\(\s*(nullptr|NULL|0)\s*\)")


def module_of(path, dirs):
    best = None
    for d in dirs:
        if path == d or path.startswith(d + "/"):
            if best is None or len(d) > len(best):
                best = d
    return best


def main():
    src = pathlib.Path(sys.argv[1])
    modules = {}
    test_deps = {}
    for line in pathlib.Path(sys.argv[2]).read_text().splitlines():
        main_part, _, test_part = line.partition("|")
        parts = main_part.split()
        if parts:
            modules[parts[0]] = (parts[1], set(parts[2:]))
            test_deps[parts[0]] = set(test_part.split())
    target_dir = {target: d for d, (target, _) in modules.items()}
    problems = []
    for f in sorted(src.rglob("*")):
        if f.suffix not in (".h", ".cc"):
            continue
        rel = f.relative_to(src).as_posix()
        own = module_of(rel.rsplit("/", 1)[0], modules)
        if own is None:
            problems.append(f"{rel}: not inside any module declared with openvap_module()")
            continue
        allowed = {own} | {target_dir[t] for t in modules[own][1] if t in target_dir}
        text = f.read_text(errors="replace")
        is_test = rel.endswith("_test.cc")
        if is_test:
            for t in test_deps.get(own, ()):
                if t in target_dir:
                    allowed |= {target_dir[t]} | {target_dir[d] for d in modules[target_dir[t]][1]
                                                  if d in target_dir}
        for kind, inc in INCLUDE.findall(text):
            if kind == '"':
                if is_test and inc.startswith(("support/", "fakes/")):
                    continue
                dep = module_of(inc.rsplit("/", 1)[0], modules)
                if dep is None:
                    problems.append(f"{rel}: includes \"{inc}\", which is in no module")
                elif dep not in allowed:
                    problems.append(
                        f"{rel}: module '{own}' includes \"{inc}\" of module '{dep}' "
                        f"without depending on it (add it to DEPS, or move the code)")
            for prefix, homes in CONFINED.items():
                if inc.startswith(prefix) and not any(
                        own == h or own.startswith(h + "/") for h in homes):
                    problems.append(f"{rel}: <{inc}> belongs in {' or '.join(homes)}, not '{own}'")
        top = own.split("/")[0]
        if top in PURE and not is_test and f.name not in ("clock.cc",):
            m = WALL_CLOCK.search(text)
            if m:
                problems.append(f"{rel}: reads the wall clock ({m.group(0)}); take a Clock instead")
    for p in problems:
        print(p)
    print(f"layering: {len(problems)} problem(s) in {src}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
