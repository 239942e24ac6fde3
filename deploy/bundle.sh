#!/usr/bin/env bash
# `make bundle`: an offline installation of this commit for an intranet machine with no package
# registry (README, "Offline installation"). It needs the registry (or pip's local wheels) once,
# here; the machine it is installed on needs none: `install.sh` runs `pip install --no-index`.
#
#   dist/xuncha-<commit>-<python>-<platform>/
#     app/          this commit's source (git archive; without the tests and CI)
#     wheels/       every requirement of requirements.txt and their dependencies, as wheels for
#                   this Python and platform
#     static/       the collected static files (hashed names, compressed)
#     systemd/      xuncha-web, xuncha-worker and xuncha-beat units and xuncha.target
#     xuncha.env.example, install.sh, README.txt
#   dist/xuncha-<commit>-<python>-<platform>.tar.gz   the same, in one file to carry over
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
commit=$(git rev-parse --short HEAD)
tag=$("$PYTHON" -c 'import sys, sysconfig; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-" + sysconfig.get_platform().replace("-", "_"))')
name="xuncha-$commit-$tag"
out="dist/$name"
rm -rf "$out" "dist/$name.tar.gz"
mkdir -p "$out/app" "$out/wheels" "$out/systemd"

git archive --format=tar HEAD | tar -x -C "$out/app" --exclude=tests --exclude=.ci
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --wheel-dir "$out/wheels" -r requirements.txt
cp requirements.txt "$out/requirements.txt"
# collectstatic as `make serve` would run it (DEBUG off), from the archived source: a throw-away
# key, no database touched.
(cd "$out/app" && DEBUG=false PLAIN_HTTP=true SECRET_KEY="bundle-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
  STATIC_ROOT="$PWD/../static" DATABASE_URL="sqlite:///$PWD/../bundle.sqlite3" \
  "$OLDPWD/.venv/bin/python" manage.py collectstatic --noinput --verbosity 0)
rm -f "$out/bundle.sqlite3"
cp deploy/systemd/*.service deploy/systemd/*.target "$out/systemd/"
cp deploy/install.sh deploy/xuncha.env.example "$out/"
cp deploy/README.txt "$out/README.txt"
tar -czf "dist/$name.tar.gz" -C dist "$name"
echo "$out"
echo "dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1), $(ls "$out/wheels" | wc -l) wheels)"
