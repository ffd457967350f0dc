#!/bin/sh
# Seeds each fuzz target's corpus from the committed fixture APKs, so the fuzzers start from
# well-formed inputs instead of searching for a ZIP end record byte by byte.
# Run from anywhere: fuzz/seed.sh; then cargo fuzz run --sanitizer none <target>.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../crates/appvd-scan/tests/fixtures"
corpus="$here/corpus"
mkdir -p "$corpus/zip_directory" "$corpus/axml" "$corpus/arsc" "$corpus/dex" "$corpus/elf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$fixtures" -name '*.apk' -size -64k | while read -r apk; do
    id=$(sha256sum "$apk" | cut -c1-16)
    cp "$apk" "$corpus/zip_directory/$id"
    rm -rf "$tmp/x" && mkdir "$tmp/x"
    unzip -qq -o "$apk" 'AndroidManifest.xml' 'resources.arsc' 'classes*.dex' 'lib/*' -d "$tmp/x" 2>/dev/null || true
    [ -f "$tmp/x/AndroidManifest.xml" ] && cp "$tmp/x/AndroidManifest.xml" "$corpus/axml/$id"
    [ -f "$tmp/x/resources.arsc" ] && cp "$tmp/x/resources.arsc" "$corpus/arsc/$id"
    [ -f "$tmp/x/classes.dex" ] && [ "$(wc -c < "$tmp/x/classes.dex")" -lt 65536 ] && cp "$tmp/x/classes.dex" "$corpus/dex/$id"
    find "$tmp/x" -name '*.so' -size -64k | while read -r so; do
        cp "$so" "$corpus/elf/$(sha256sum "$so" | cut -c1-16)"
    done
done
for target in zip_directory axml arsc dex elf; do
    echo "$target: $(ls "$corpus/$target" | wc -l) inputs"
done
