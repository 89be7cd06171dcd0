#!/usr/bin/env bash
# Runs every test in CacheBot.sln and prints, as its last line, "N passed, N failed[, N skipped]".
# Exits non-zero when `dotnet test` fails, when any test fails, or when no test ran at all.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"

results_dir="artifacts/test-results"
rm -rf "$results_dir"
mkdir -p "$results_dir"

console_log="$results_dir/dotnet-test.log"
set +e
dotnet test CacheBot.sln -c Release --logger "trx" --results-directory "$results_dir" 2>&1 | tee "$console_log"
dotnet_rc=${PIPESTATUS[0]}
set -e

# Sum the <Counters .../> element of every TRX file into "files total executed passed failed skipped".
# "failed" also counts error/timeout/aborted outcomes; "skipped" is what was discovered but not executed.
# VSTest names each TRX after the second its run started, so two test projects can, rarely, race for one
# file name; if the console reports more test assemblies than there are TRX files, its per-assembly
# summaries are summed instead.
read -r -d '' count_trx <<'PY' || true
import glob, os, re, sys
import xml.etree.ElementTree as ET

results_dir, console_log = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(results_dir, "**", "*.trx"), recursive=True))
sums = dict.fromkeys(("total", "executed", "passed", "failed", "error", "timeout", "aborted", "notExecuted"), 0)
for path in files:
    try:
        tree = ET.parse(path)
    except ET.ParseError as exc:
        print(f"test.sh: cannot parse {path}: {exc}")
        sums["error"] += 1
        continue
    for element in tree.iter():
        if element.tag.rsplit("}", 1)[-1] == "Counters":
            for key in sums:
                try:
                    sums[key] += int(element.get(key, "0"))
                except ValueError:
                    pass
            break
failed = sums["failed"] + sums["error"] + sums["timeout"] + sums["aborted"]
skipped = max(sums["total"] - sums["executed"], sums["notExecuted"], 0)
result = [len(files), sums["total"], sums["executed"], sums["passed"], failed, skipped]

summary = re.compile(r"(?:Passed|Failed)!\s+-\s+Failed:\s*(\d+),\s*Passed:\s*(\d+),\s*Skipped:\s*(\d+),\s*Total:\s*(\d+)")
try:
    with open(console_log, encoding="utf-8", errors="replace") as log:
        # One line per test assembly; identical lines (a re-echoed summary) count once.
        lines = dict.fromkeys(line.strip() for line in log)
        assemblies = [tuple(map(int, m.groups())) for m in map(summary.search, lines) if m]
except OSError:
    assemblies = []
if len(assemblies) > len(files):
    c_failed, c_passed, c_skipped, c_total = (sum(column) for column in zip(*assemblies))
    print(f"test.sh: {len(assemblies)} test assemblies ran but {len(files)} TRX file(s) were found; "
          "using the console summaries.")
    result = [len(files), c_total, c_failed + c_passed, c_passed, c_failed, c_skipped]
print(*result)
PY

status=0
# The counts are the last line; anything before it is a diagnostic worth showing.
py_out="$(python3 -c "$count_trx" "$results_dir" "$console_log" 2>&1)" || true
counts="$(tail -n 1 <<<"$py_out")"
if [[ "$py_out" == *$'\n'* ]]; then
    printf '%s\n' "${py_out%$'\n'*}"
fi
if ! [[ "$counts" =~ ^[0-9]+( [0-9]+){5}$ ]]; then
    echo "test.sh: could not read the TRX results under $results_dir."
    counts="0 0 0 0 0 0"
    status=1
fi
read -r trx_files total executed passed failed skipped <<<"$counts"

# Every test project must report: a test host that crashed or was killed leaves no TRX file and no summary, and its
# tests would otherwise vanish from the count. Each missing project counts as one failed test.
expected_projects=$(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | wc -l)
reported="$trx_files"
console_assemblies=$( (grep -E '(Passed|Failed)!\s+-\s+Failed:' "$console_log" || true) | sed 's/^[[:space:]]*//' | sort -u | grep -c . || true)
if [[ "$console_assemblies" -gt "$reported" ]]; then
    reported="$console_assemblies"
fi
if [[ "$reported" -lt "$expected_projects" ]]; then
    missing=$((expected_projects - reported))
    echo "test.sh: $expected_projects test projects exist but only $reported reported results; counting $missing as failed (a crashed or killed test host)."
    failed=$((failed + missing))
fi

# Diagnostics go to stdout ahead of the summary, so the summary stays the last line.
if [[ "$trx_files" -eq 0 ]]; then
    echo "test.sh: no TRX files were produced under $results_dir."
    status=1
fi
if [[ "$dotnet_rc" -ne 0 ]]; then
    echo "test.sh: 'dotnet test' exited with code $dotnet_rc."
    status=1
fi
if [[ "$failed" -gt 0 ]]; then
    echo "test.sh: $failed test(s) failed."
    status=1
fi
if [[ "$executed" -eq 0 && "$passed" -eq 0 && "$failed" -eq 0 ]]; then
    echo "test.sh: zero tests ran ($total discovered)."
    status=1
fi

summary="$passed passed, $failed failed"
if [[ "$skipped" -gt 0 ]]; then
    summary="$summary, $skipped skipped"
fi
echo "$summary"
exit "$status"
