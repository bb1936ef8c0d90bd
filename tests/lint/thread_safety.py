#!/usr/bin/python3
"""Clang's thread-safety analysis over tillit's sources: every member a mutex guards is declared
TILLIT_GUARDED_BY (src/util/mutex.h), and this check fails the build's tests when code touches one without holding
its mutex. Runs `clang++ -fsyntax-only -Wthread-safety -Werror` on each translation unit with the include paths and
definitions the build uses (compile_commands.json), two at a time.

usage: thread_safety.py BUILD_DIR SOURCE_DIR            check every src/ file of the build
       thread_safety.py BUILD_DIR SOURCE_DIR --expect-failure FILE
                                                       show that the check fails on FILE (a deliberate violation)
Exits 77 (skipped) when clang++ is not installed."""
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys


def flags_of(entry):
    """The -I, -isystem, -D and -std flags of one compile command."""
    args = shlex.split(entry["command"]) if "command" in entry else entry["arguments"]
    keep = []
    i = 1
    while i < len(args):
        a = args[i]
        if a in ("-I", "-isystem", "-D") and i + 1 < len(args):
            keep += [a, args[i + 1]]
            i += 2
            continue
        if a.startswith(("-I", "-D", "-std=")) or a == "-pthread":
            keep.append(a)
        i += 1
    return keep


def check(clang, flags, path):
    run = subprocess.run([clang, "-fsyntax-only", "-Wthread-safety", "-Werror=thread-safety", "-Wno-unknown-warning-option",
                          *flags, path], capture_output=True, text=True)
    return path, run.returncode, run.stderr


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    build, source = sys.argv[1], os.path.realpath(sys.argv[2])
    clang = shutil.which("clang++")
    if clang is None:
        print("clang++ is not installed: the thread-safety check is skipped (scripts/install-deps installs clang)")
        return 77
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    src = os.path.join(source, "src") + os.sep
    units = {}
    for e in entries:
        path = os.path.realpath(os.path.join(e.get("directory", ""), e["file"]))
        if path.startswith(src):
            units[path] = flags_of(e)
    if not units:
        print("no source files of src/ in " + build + "/compile_commands.json")
        return 2
    if len(sys.argv) == 5 and sys.argv[3] == "--expect-failure":
        flags = next(iter(units.values()))
        _, rc, err = check(clang, flags, sys.argv[4])
        if rc != 0 and "requires holding mutex" in err:
            print("the check fails on " + sys.argv[4] + " as it must:\n" + err)
            return 0
        print("the check did not fail on " + sys.argv[4] + ":\n" + err)
        return 1
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for path, rc, err in pool.map(lambda item: check(clang, item[1], item[0]), sorted(units.items())):
            if rc != 0:
                failed += 1
                print(err)
    print(f"{len(units)} translation units checked, {failed} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
