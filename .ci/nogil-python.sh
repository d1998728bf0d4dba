#!/usr/bin/env bash
# A free-threaded (no-GIL) CPython for the no-GIL lane's tests, built once from the source tarball in
# ../shared/cpython/ (a development snapshot of 3.14.0a0; no free-threaded build can be installed from the
# registries these machines reach). The install is cached outside the clone, keyed by the tarball's hash,
# so a later run on the same machine skips the 3-5 minutes of building. Prints the interpreter's path; exits
# non-zero when any step fails (the tests that need it then skip, saying why).
set -euo pipefail
name=cpython-main-422855ad21f0.tar.xz
expected=f52ab01dbcd17597de867954a1fe4950f07c2df61b648dca16d5648d3fdbf53b
repo="$(cd "$(dirname "$0")/.." && pwd)"
# The shared folder sits beside the project's checkout; a clone elsewhere names it or finds it at /work.
tarball=""
for candidate in "${1:-}" "${PARAVIZ_CPYTHON_TARBALL:-}" "$repo/../shared/cpython/$name" "/work/shared/cpython/$name"; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then tarball="$candidate"; break; fi
done
[ -n "$tarball" ] || { echo "no CPython source ($name): give its path as the first argument" >&2; exit 1; }
actual=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$actual" = "$expected" ] || { echo "$tarball: sha256 $actual, expected $expected" >&2; exit 1; }
cache="${PARAVIZ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/paraviz}"
dest="$cache/cpython-ft-${expected:0:16}"
python="$dest/bin/python3.14t"
if [ -x "$python" ] && "$python" -c "import sys; sys.exit(sys._is_gil_enabled())" 2>/dev/null; then
    echo "$python"; exit 0
fi
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
tar xJf "$tarball" -C "$work"
rm -rf "$dest.partial" && mkdir -p "$cache"
(cd "$work/cpython-ft" && ./configure -q --disable-gil --prefix="$dest.partial" --without-ensurepip \
    && make -s -j"$(nproc)" && make -s install) >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log" >&2; echo "building the free-threaded CPython failed" >&2; exit 1; }
# Installed under its final name only once complete, so that an interrupted build is never taken for one.
# The prefix is compiled in, so the tree is rebuilt into place: move, then check it still starts.
rm -rf "$dest" && mv "$dest.partial" "$dest"
"$python" -c "import sys; assert not sys._is_gil_enabled(), 'the build has the GIL'" >&2 || {
    rm -rf "$dest"; exit 1; }
echo "$python"
