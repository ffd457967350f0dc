#!/usr/bin/env python3
"""appvd scan versus androguard on the same real APKs, in one run. See benches/README.md."""

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import time
from pathlib import Path

PACKAGES = ["appium-uiautomator2-server", "io.appium.settings"]
ROOT = Path(__file__).resolve().parent.parent

ANDROGUARD_LIGHT = """
import sys, logging
from loguru import logger
logger.remove()
from androguard.core.apk import APK
a = APK(sys.argv[1])
a.get_android_manifest_xml()
a.get_permissions(); a.get_activities(); a.get_services(); a.get_receivers(); a.get_providers()
a.get_min_sdk_version(); a.get_target_sdk_version()
res = a.get_android_resources()
if res is not None:
    res.get_strings_resources()
a.get_certificates()
"""

ANDROGUARD_FULL = """
import sys
from loguru import logger
logger.remove()
from androguard.misc import AnalyzeAPK
a, d, dx = AnalyzeAPK(sys.argv[1])
"""


def fetch_apks(cache: Path) -> list[Path]:
    cache.mkdir(parents=True, exist_ok=True)
    for pkg in PACKAGES:
        if not any(cache.glob(f"{pkg}-*.tgz")):
            subprocess.run(["npm", "pack", pkg, "--silent"], cwd=cache, check=True, stdout=subprocess.DEVNULL)
    apks = []
    for tgz in sorted(cache.glob("*.tgz")):
        target = cache / tgz.stem
        if not target.exists():
            with tarfile.open(tgz) as t:
                members = [m for m in t.getmembers() if m.name.endswith(".apk")]
                t.extractall(target, members=members, filter="data")
        apks.extend(sorted(target.rglob("*.apk")))
    return apks


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed on {cmd[-1]}: {proc.stderr.decode(errors='replace')[:500]}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; run the peak measurement separately.
    return elapsed, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def peak_rss(cmd: list[str]) -> int:
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        return int(out.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return -1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--appvd", type=Path)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "appvd-bench")
    ap.add_argument("--full", action="store_true", help="compare with androguard's AnalyzeAPK")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    try:
        import androguard  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "androguard==4.1.4"], check=True)

    appvd = args.appvd
    if appvd is None:
        subprocess.run(["cargo", "build", "--release", "--bin", "appvd"], cwd=ROOT, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        appvd = target / "release" / "appvd"

    script = ANDROGUARD_FULL if args.full else ANDROGUARD_LIGHT
    rows = []
    for apk in fetch_apks(args.cache):
        ours_cmd = [str(appvd), "scan", "--format", "json", str(apk)]
        theirs_cmd = [sys.executable, "-c", script, str(apk)]
        ours = min(timed(ours_cmd)[0] for _ in range(args.runs))
        theirs = min(timed(theirs_cmd)[0] for _ in range(max(1, args.runs // 2)))
        rows.append({
            "apk": apk.name,
            "size_mb": round(apk.stat().st_size / 1e6, 1),
            "appvd_s": round(ours, 4),
            "androguard_s": round(theirs, 3),
            "ratio": round(theirs / ours, 1),
            "appvd_peak_mib": round(peak_rss(ours_cmd) / 1024, 1),
            "androguard_peak_mib": round(peak_rss(theirs_cmd) / 1024, 1),
        })
    if args.json:
        print(json.dumps({"androguard": "AnalyzeAPK" if args.full else "APK+resources+certificates", "rows": rows}, indent=2))
        return
    mode = "AnalyzeAPK" if args.full else "APK + resources + certificates"
    print(f"androguard mode: {mode}; best of {args.runs} runs (androguard: {max(1, args.runs // 2)})")
    print(f"{'apk':<50} {'MB':>6} {'appvd s':>9} {'andro s':>9} {'ratio':>7} {'appvd MiB':>10} {'andro MiB':>10}")
    for r in rows:
        print(f"{r['apk']:<50} {r['size_mb']:>6} {r['appvd_s']:>9} {r['androguard_s']:>9} {r['ratio']:>6}x {r['appvd_peak_mib']:>10} {r['androguard_peak_mib']:>10}")


if __name__ == "__main__":
    main()
