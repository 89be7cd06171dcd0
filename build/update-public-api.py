#!/usr/bin/env python3
"""Records public API changes: builds a project, then adds the symbols RS0016 reports to PublicAPI.Unshipped.txt and
removes the ones RS0017 reports. Review the diff before committing; run until the build is clean.

Usage: python3 build/update-public-api.py src/CacheBot.Linq [src/CacheBot.Linq2Db ...]
"""
import os
import re
import subprocess
import sys

pattern = re.compile(r"^(?P<file>/[^(]+)\(\d+,\d+\): error (?P<code>RS001[67]): Symbol '(?P<symbol>.+?)' is (not part of|part of) the declared")

for project in sys.argv[1:]:
    for _ in range(5):
        out = subprocess.run(["dotnet", "build", project, "-c", "Release", "-nologo", "-clp:NoSummary"],
                             capture_output=True, text=True).stdout
        changes = {}
        for line in out.splitlines():
            m = pattern.match(line.strip())
            if not m:
                continue
            directory = os.path.dirname(m.group("file"))
            while directory != "/" and not os.path.exists(os.path.join(directory, "PublicAPI.Unshipped.txt")):
                directory = os.path.dirname(directory)
            changes.setdefault(directory, []).append((m.group("code"), m.group("symbol")))
        if not changes:
            break
        for directory, items in changes.items():
            path = os.path.join(directory, "PublicAPI.Unshipped.txt")
            lines = [l for l in open(path).read().splitlines() if l.strip()]
            header = [l for l in lines if l.startswith("#")]
            body = set(l for l in lines if not l.startswith("#"))
            for code, symbol in items:
                if code == "RS0016":
                    body.add(symbol)
                else:
                    body.discard(symbol)
            with open(path, "w") as f:
                f.write("\n".join(header + sorted(body, key=lambda s: s.replace("~", ""))) + "\n")
            print(f"{path}: {len(items)} change(s)")
