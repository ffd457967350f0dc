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
import zipfile
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


def measured(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of a child process."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed on {cmd[-1]}: {proc.stderr[-500:]}")
    try:
        peak = int(proc.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        peak = -1
    return elapsed, peak


def best(cmd: list[str], runs: int) -> tuple[float, int]:
    """Best wall time and largest peak RSS over several runs."""
    results = [measured(cmd) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def dex_bytes(apk: Path) -> int:
    """Uncompressed size of the APK's classes*.dex files."""
    with zipfile.ZipFile(apk) as z:
        return sum(i.file_size for i in z.infolist() if i.filename.startswith("classes") and i.filename.endswith(".dex"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--appvd", type=Path)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "appvd-bench")
    ap.add_argument("--light", action="store_true", help="both sides skip bytecode: androguard parses the container, manifest, resources and certificates; appvd describes the app with `info` (the same work) and scans it with --no-code (all non-code rules)")
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

    script = ANDROGUARD_LIGHT if args.light else ANDROGUARD_FULL
    mode = "APK + resources + certificates" if args.light else "AnalyzeAPK"
    rows = []
    for apk in fetch_apks(args.cache):
        ours_cmd = [str(appvd), "scan", "--format", "json", *(["--no-code"] if args.light else []), str(apk)]
        theirs_cmd = [sys.executable, "-c", script, str(apk)]
        ours, ours_peak = best(ours_cmd, args.runs)
        theirs, theirs_peak = best(theirs_cmd, max(1, args.runs // 2))
        dex = dex_bytes(apk)
        row = {}
        if args.light:
            info, info_peak = best([str(appvd), "info", "--format", "json", str(apk)], args.runs)
            row = {"appvd_info_s": round(info, 4), "info_ratio": round(theirs / info, 1), "appvd_info_peak_mib": round(info_peak / 1024, 1)}
        rows.append(row | {
            "apk": apk.name,
            "size_mb": round(apk.stat().st_size / 1e6, 1),
            "dex_mib": round(dex / 2**20, 1),
            "appvd_s": round(ours, 3),
            "androguard_s": round(theirs, 2),
            "ratio": round(theirs / ours, 1),
            "appvd_peak_mib": round(ours_peak / 1024, 1),
            "appvd_peak_per_dex": round(ours_peak * 1024 / dex, 1) if dex else None,
            "androguard_peak_mib": round(theirs_peak / 1024, 1),
        })
    if args.json:
        print(json.dumps({"androguard": mode, "cores": os.cpu_count(), "rows": rows}, indent=2))
        return
    print(f"androguard mode: {mode}; best of {args.runs} runs (androguard: {max(1, args.runs // 2)})")
    if args.light:
        print(f"{'apk':<42} {'MB':>5} {'andro s':>8} {'info s':>8} {'ratio':>7} {'scan s':>8} {'ratio':>7} {'info MiB':>9} {'scan MiB':>9} {'andro MiB':>10}")
        for r in rows:
            print(f"{r['apk']:<42} {r['size_mb']:>5} {r['androguard_s']:>8} {r['appvd_info_s']:>8} {r['info_ratio']:>6}x {r['appvd_s']:>8} {r['ratio']:>6}x {r['appvd_info_peak_mib']:>9} {r['appvd_peak_mib']:>9} {r['androguard_peak_mib']:>10}")
        return
    print(f"{'apk':<42} {'MB':>5} {'DEX MiB':>8} {'appvd s':>8} {'andro s':>8} {'ratio':>7} {'appvd MiB':>10} {'x DEX':>6} {'andro MiB':>10}")
    for r in rows:
        print(f"{r['apk']:<42} {r['size_mb']:>5} {r['dex_mib']:>8} {r['appvd_s']:>8} {r['androguard_s']:>8} {r['ratio']:>6}x {r['appvd_peak_mib']:>10} {r['appvd_peak_per_dex'] or '-':>6} {r['androguard_peak_mib']:>10}")


if __name__ == "__main__":
    main()
