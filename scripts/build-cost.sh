#!/usr/bin/env bash
# Measures the build cost of the library: a clean build (dependencies
# included) for each feature set, an incremental rebuild after a one-line
# change to the Firefly spec, and the size of each API's generated code.
# Works on a copy, so the checkout is untouched. Each clean build gets a
# target directory of its own. CPU seconds (user + system, the compiler's
# work) are reported beside wall seconds: they barely depend on what else the
# machine is running, where wall seconds do.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$src" ls-files -z | (cd "$src" && xargs -0 tar cf -) | tar xf - -C "$work"
cd "$work"
# The checkout's openapi/ links are kept as links by tar; the lock file is
# the checkout's, so every feature set builds the same dependency versions.
export CARGO_INCREMENTAL=0

# Runs a build and prints "WALL CPU" in seconds.
measure() {
    local log="$work/last-build.log"
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>"$log" || {
        cat "$log" >&2
        exit 1
    }
    read -r wall user system <"$work/time"
    printf '%s %.1f' "$wall" "$(echo "$user + $system" | bc)"
}

printf '| features | clean build, wall | clean build, CPU |\n|---|---|---|\n'
for features in "" "photoshop" "audio-video" "indesign" "substance3d" "storage" "photoshop,storage" "redis" "all"; do
    target="$work/target-${features:-default}"
    if [ "$features" = all ]; then
        args=(--all-features)
    elif [ -z "$features" ]; then
        args=()
    else
        args=(--features "$features")
    fi
    read -r wall cpu <<<"$(CARGO_TARGET_DIR="$target" measure cargo build --lib --locked -p adobe-firefly "${args[@]}")"
    printf '| %s | %s s | %s s |\n' "${features:-(default: Firefly only)}" "$wall" "$cpu"
done

export CARGO_TARGET_DIR="$work/target-default"
sed -i 's/^  version: "3"$/  version: "3"\n  x-build-cost-probe: one more line/' openapi/firefly/firefly.yaml
read -r wall cpu <<<"$(measure cargo build --lib --locked -p adobe-firefly)"
echo
echo "rebuild after a one-line change to openapi/firefly/firefly.yaml: ${wall} s wall, ${cpu} s CPU"
for generated in $(find "$work/target-all/debug/build" -name '*_codegen.rs' | sort); do
    echo "generated code, $(basename "$generated"): $(wc -c <"$generated") bytes, $(wc -l <"$generated") lines"
done
