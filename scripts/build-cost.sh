#!/usr/bin/env bash
# Measures the build cost of the library: a clean build (dependencies
# included), an incremental rebuild after a one-line change to the spec, and
# the size of the generated code. Works on a copy, so the checkout is untouched.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$src" ls-files -z | (cd "$src" && xargs -0 tar cf -) | tar xf - -C "$work"
cd "$work"
export CARGO_TARGET_DIR="$work/target"

seconds() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>"$work/last-build.log" || { cat "$work/last-build.log" >&2; exit 1; }
    end=$(date +%s%N)
    printf '%d.%02d' $(((end - start) / 1000000000)) $((((end - start) / 10000000) % 100))
}

clean=$(seconds cargo build --lib --locked)
sed -i 's/^  version: "3"$/  version: "3"\n  x-build-cost-probe: one more line/' openapi/firefly.yaml
incremental=$(seconds cargo build --lib --locked)
generated=$(find "$CARGO_TARGET_DIR/debug/build" -name firefly_codegen.rs | head -1)

echo "clean build of the library (dev profile, dependencies included): ${clean} s"
echo "rebuild after a one-line spec change: ${incremental} s"
echo "generated code: $(wc -c < "$generated") bytes, $(wc -l < "$generated") lines"
