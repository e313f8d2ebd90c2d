#!/usr/bin/env bash
# usage: install_embed.sh CMAKE BUILD_DIR EXAMPLE_DIR
set -euo pipefail
cmake=$1 build=$2 example=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "== install the dev component to $prefix"
"$cmake" --install "$build" --prefix "$prefix" --component dev >/dev/null
headers=$(cd "$prefix/include/yardmaster" && find . -name '*.h' | sed 's|^\./||' | sort)
[ -n "$headers" ] || { echo "no headers installed"; exit 1; }
echo "$headers"

echo "== nothing of the engine's internals is installed"
for internal in engine/engine.h engine/scheduler.h store/store.h exec/executor.h; do
    if [ -e "$prefix/include/yardmaster/$internal" ]; then echo "internal header installed: $internal"; exit 1; fi
done

echo "== every installed header compiles on its own"
mkdir -p "$work/headers"
{
    echo 'cmake_minimum_required(VERSION 3.25)'
    echo 'project(HeaderCheck LANGUAGES CXX)'
    echo 'set(CMAKE_CXX_STANDARD 20)'
    echo 'find_package(Yardmaster REQUIRED)'
    echo 'add_library(headercheck OBJECT'
    i=0
    for h in $headers; do
        i=$((i + 1))
        echo "#include <$h>" > "$work/headers/h$i.cpp"
        echo "    h$i.cpp"
    done
    echo ')'
    echo 'target_link_libraries(headercheck PRIVATE Yardmaster::Core)'
} > "$work/headers/CMakeLists.txt"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
"$cmake" -S "$work/headers" -B "$work/headers/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" >/dev/null
"$cmake" --build "$work/headers/build" -j 2 >/dev/null

echo "== examples/embed builds against the installed package"
"$cmake" -S "$example" -B "$work/embed" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" >/dev/null
"$cmake" --build "$work/embed" -j 2 >/dev/null

echo "== and runs: its own handler, three sessions, one failure, on disk"
out=$("$work/embed/embed-example" "$work/example.db")
echo "$out"
[ "$(grep -c '^accepted run' <<<"$out")" = 3 ]
[ "$(grep -c 'ended: run.completed' <<<"$out")" = 2 ]
grep -q 'ended: run.failed - there is nobody to greet' <<<"$out"
[ -s "$work/example.db" ]
echo "install_embed: ok"
