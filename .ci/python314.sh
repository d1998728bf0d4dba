#!/usr/bin/env bash
# A real Python 3.14 for the tests of --python and the interpreters engine (InterpreterPoolExecutor),
# on a Debian 12 machine that has none: Debian unstable's own binary packages, unpacked into a folder
# (not installed) and pointed at their own C library with patchelf. Prints the interpreter's path;
# exits non-zero when any step fails (the tests that need it then skip, saying why).
set -euo pipefail
dest="${1:-$(dirname "$0")/python3.14}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
python="$dest/root/usr/bin/python3.14"
if [ -x "$python" ] && "$python" -c "import concurrent.futures.interpreter" 2>/dev/null; then
    echo "$python"; exit 0
fi
command -v patchelf >/dev/null || { echo "patchelf is missing (apt-get install patchelf)" >&2; exit 1; }
rm -rf "$dest" && mkdir -p "$dest/debs" "$dest/root"
root="$(cd "$dest/root" && pwd)"
curl -fsS --max-time 120 "$mirror/dists/sid/main/binary-amd64/Packages.xz" | xz -dc > "$dest/Packages"
# The interpreter, its standard library, and the shared libraries its modules load.
for package in python3.14-minimal libpython3.14-minimal libpython3.14-stdlib libc6 libexpat1 zlib1g \
    libffi8 libssl3t64 libbz2-1.0 liblzma5 libzstd1 libmpdec4 libsqlite3-0 libuuid1 libncursesw6 libtinfo6 \
    libreadline8t64 libgcc-s1 libcrypt1; do
    file=$(awk -v p="Package: $package" '$0 == p {found = 1} found && /^Filename:/ {print $2; exit}' "$dest/Packages")
    [ -n "$file" ] || { echo "skipping $package: not in Debian unstable now" >&2; continue; }
    curl -fsS --max-time 120 -o "$dest/debs/$(basename "$file")" "$mirror/$file"
    dpkg-deb -x "$dest/debs/$(basename "$file")" "$root"
done
rm -rf "$dest/debs" "$dest/Packages"
libs="$root/usr/lib/x86_64-linux-gnu"
# DT_RPATH (not RUNPATH), so that the libraries extension modules load are found there too.
patchelf --set-interpreter "$libs/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$libs" "$python"
"$python" -c "import concurrent.futures.interpreter, ssl, sqlite3, lzma, decimal" >&2
echo "$python"
