#!/usr/bin/env bash
# Installs this bundle on a machine with no package registry: nothing is downloaded.
#
#   sudo ./install.sh          then edit /etc/xuncha/xuncha.env and
#                              sudo systemctl enable --now xuncha.target
#
# PREFIX (/opt/xuncha) gets app/ — this release, with its virtualenv in app/.venv (a checkout's
# layout, so `make serve` works there too) — and static/; the release before stays in
# app.previous/ (to go back: stop, swap the two folders, start). The units go to UNITS_DIR
# (/etc/systemd/system; empty: not installed). Also: ENV_FILE (/etc/xuncha/xuncha.env),
# SERVICE_USER (xuncha), PYTHON (python3.11, the Python the wheels were built for).
# If ENV_FILE sets DATABASE_URL, the database is migrated.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-/opt/xuncha}
ENV_FILE=${ENV_FILE:-/etc/xuncha/xuncha.env}
UNITS_DIR=${UNITS_DIR-/etc/systemd/system}
SERVICE_USER=${SERVICE_USER:-xuncha}
PYTHON=${PYTHON:-python3.11}

command -v "$PYTHON" >/dev/null || { echo "install.sh: $PYTHON is missing; the wheels are for $(ls "$here/wheels" | grep -o 'cp3[0-9]*' | head -n1)" >&2; exit 1; }
mkdir -p "$PREFIX"
if [[ -d $PREFIX/app ]]; then
  rm -rf "$PREFIX/app.previous"
  mv "$PREFIX/app" "$PREFIX/app.previous"
fi
cp -a "$here/app" "$PREFIX/app"
"$PYTHON" -m venv "$PREFIX/app/.venv"
# --no-index: the wheels of this bundle and nothing else — no pip.conf, no PIP_* variable (a
# find-links of the machine's own would hide a wheel missing from the bundle).
pip_env=(env)
for var in $(compgen -e | grep '^PIP_' || true); do pip_env+=(-u "$var"); done
"${pip_env[@]}" PIP_CONFIG_FILE=/dev/null "$PREFIX/app/.venv/bin/pip" install --quiet --disable-pip-version-check \
  --no-index --find-links "$here/wheels" -r "$here/requirements.txt"
touch "$PREFIX/app/.venv/bin/.installed"  # `make serve` there installs nothing either
rm -rf "$PREFIX/static"
cp -a "$here/static" "$PREFIX/static"

if [[ ! -e $ENV_FILE ]]; then
  mkdir -p "$(dirname "$ENV_FILE")"
  install -m 640 "$here/xuncha.env.example" "$ENV_FILE"
  echo "install.sh: wrote $ENV_FILE from the example: set DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS"
fi

if [[ -n $UNITS_DIR ]]; then
  id -u "$SERVICE_USER" >/dev/null 2>&1 || useradd --system --home-dir /var/lib/xuncha --shell /usr/sbin/nologin "$SERVICE_USER"
  chgrp "$SERVICE_USER" "$ENV_FILE" 2>/dev/null || true
  mkdir -p "$UNITS_DIR"
  for unit in "$here"/systemd/*; do
    sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@ENV_FILE@|$ENV_FILE|g" -e "s|@SERVICE_USER@|$SERVICE_USER|g" \
      "$unit" > "$UNITS_DIR/$(basename "$unit")"
  done
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then systemctl daemon-reload; fi
fi

if grep -Eq '^DATABASE_URL=.+' "$ENV_FILE" 2>/dev/null; then
  (set -a; . "$ENV_FILE"; set +a; cd "$PREFIX/app" && STATIC_ROOT="$PREFIX/static" .venv/bin/python manage.py migrate --noinput)
fi
echo "install.sh: Xuncha installed in $PREFIX/app"
[[ -n $UNITS_DIR ]] && echo "install.sh: start it with: systemctl enable --now xuncha.target" || true
