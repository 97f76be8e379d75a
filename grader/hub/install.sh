#!/usr/bin/env bash
# Set up a gancourse class on a server that runs The Littlest JupyterHub (TLJH).
#
#   sudo bash grader/hub/install.sh --instructors prof,ta1 [--repo /path/to/gancourse]
#
# Run it as root from a clone of the instructor repository, after TLJH's own installer (TLJH's
# "Installing on your own server" guide).  Safe to re-run: it never replaces a class's
# gradebook, submissions or a student's files.  What it does, in order:
#   1. the grader account grader-gancourse; the instructor repository is cloned into its home
#      (mode 700: no student can read solutions/ or the hidden tests) with its own .venv, which
#      grades (make class-autograde);
#   2. the student course (make student-course) into /srv/gancourse-student, its library and
#      pinned packages into TLJH's user environment, and a copy into /etc/skel, so every new
#      student account starts with the lectures and the released assignments;
#   3. the instructor-only lab tools (Formgrader, Create Assignment, course list) off in the
#      users' environment, back on for the grader account only;
#   4. the exchange /srv/nbgrader/exchange (mode 1777), nbgrader's shared settings, the class
#      folder ~grader-gancourse/class (python -m grader.classroom init);
#   5. the hub: Formgrader service and instructors' group (jupyterhub_config.py), TLJH settings
#      (tljh-config.yaml), then `tljh-config reload hub`.
# The hub itself, logins and HTTPS are TLJH's (its authenticator and `tljh-config` docs).
set -euo pipefail

COURSE_ID=gancourse
GRADER=grader-$COURSE_ID
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
INSTRUCTORS=""
TLJH="${TLJH:-/opt/tljh}"
USER_ENV="$TLJH/user"
STUDENT_COURSE=/srv/gancourse-student
EXCHANGE=/srv/nbgrader/exchange

usage() { echo "usage: sudo bash grader/hub/install.sh --instructors LOGIN[,LOGIN...] [--repo DIR]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --instructors) INSTRUCTORS="${2:-}"; shift 2 ;;
    --repo) REPO="$(cd "${2:?}" && pwd)"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$INSTRUCTORS" ] || usage
[ "$(id -u)" = 0 ] || { echo "error: run as root (sudo): it creates accounts and folders" >&2; exit 1; }
[ -x "$USER_ENV/bin/python" ] || { echo "error: no TLJH user environment at $USER_ENV: install The Littlest JupyterHub first" >&2; exit 1; }
[ -f "$REPO/grader/classroom.py" ] || { echo "error: $REPO is not the gancourse instructor repository" >&2; exit 1; }

echo ">> 1. grader account and instructor repository"
id "$GRADER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$GRADER"
GRADER_HOME="$(getent passwd "$GRADER" | cut -d: -f6)"
chmod 700 "$GRADER_HOME"
if [ ! -d "$GRADER_HOME/$COURSE_ID/.git" ]; then
  git clone --quiet "$REPO" "$GRADER_HOME/$COURSE_ID"
  chown -R "$GRADER:$GRADER" "$GRADER_HOME/$COURSE_ID"
fi
sudo -u "$GRADER" -H make -C "$GRADER_HOME/$COURSE_ID" venv

echo ">> 2. student course for every student"
sudo -u "$GRADER" -H make -C "$GRADER_HOME/$COURSE_ID" student-course OUT="$GRADER_HOME/student-course" FORCE=1
rm -rf "$STUDENT_COURSE" && cp -r "$GRADER_HOME/student-course" "$STUDENT_COURSE"
chown -R root:root "$STUDENT_COURSE" && chmod -R a+rX,go-w "$STUDENT_COURSE"
"$USER_ENV/bin/pip" install --quiet -c "$STUDENT_COURSE/requirements.lock" "$STUDENT_COURSE"
mkdir -p /etc/skel && rm -rf /etc/skel/$COURSE_ID && cp -r "$STUDENT_COURSE" /etc/skel/$COURSE_ID

echo ">> 3. instructor tools for the grader account only"
for plugin in formgrader create-assignment course-list; do
  "$USER_ENV/bin/jupyter" labextension disable --level=sys_prefix "@jupyter/nbgrader:$plugin" >/dev/null
  sudo -u "$GRADER" -H "$USER_ENV/bin/jupyter" labextension enable --level=user "@jupyter/nbgrader:$plugin" >/dev/null
done
for ext in formgrader course_list; do
  "$USER_ENV/bin/jupyter" server extension disable --sys-prefix "nbgrader.server_extensions.$ext" >/dev/null
  sudo -u "$GRADER" -H "$USER_ENV/bin/jupyter" server extension enable --user "nbgrader.server_extensions.$ext" >/dev/null
done

echo ">> 4. exchange, shared nbgrader settings, class folder"
install -d -m 1777 "$EXCHANGE"
install -d "$USER_ENV/etc/jupyter"
install -m 644 "$HERE/nbgrader_config.py" "$USER_ENV/etc/jupyter/nbgrader_config.py"
sudo -u "$GRADER" -H env PYTHONPATH="$GRADER_HOME/$COURSE_ID" \
  "$GRADER_HOME/$COURSE_ID/.venv/bin/python" -m grader.classroom init \
  --class "$GRADER_HOME/class" --exchange "$EXCHANGE"

echo ">> 5. hub: Formgrader service, instructors' group, TLJH settings"
printf 'GANCOURSE_INSTRUCTORS=%s\nGANCOURSE_GRADER_HOME=%s\nGANCOURSE_USER_ENV=%s\n' \
  "$INSTRUCTORS" "$GRADER_HOME" "$USER_ENV" > "$TLJH/config/gancourse.env"
install -d "$TLJH/config/jupyterhub_config.d"
install -m 644 "$HERE/jupyterhub_config.py" "$TLJH/config/jupyterhub_config.d/$COURSE_ID.py"
"$GRADER_HOME/$COURSE_ID/.venv/bin/python" "$HERE/tljh_settings.py" "$HERE/tljh-config.yaml" |
  while read -r key value; do tljh-config set "$key" "$value"; done
tljh-config reload hub
echo ">> done: instructors open /services/$COURSE_ID/ (Formgrader); students log in and find ~/$COURSE_ID"
