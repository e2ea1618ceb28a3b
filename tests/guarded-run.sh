#!/usr/bin/env bash
# Runs a command (the test run) so that it leaves nothing behind when it ends or is stopped: on TERM (a CI
# timeout), INT, HUP or its own exit, this script stops the command's whole process group, kills the processes
# that still use a folder the tests listed, and removes those folders and the throwaway users the tests listed.
#   tests/guarded-run.sh dotnet pwsh -NoProfile -File ./build.ps1 -Task Test
# The tests list what they make in the file named by DLGPUTOOLS_TEST_CLEANUP (tests/Pester/TestHelpers.ps1:
# New-PrivateTempDirectory, New-TestLoginUser). Their daemons also die with the test process on their own
# (setpriv --pdeathsig); this covers what a killed process cannot remove, and runs without setpriv.
set -uo pipefail

state=$(mktemp -d "${TMPDIR:-/tmp}/dlgpu-guard-XXXXXXXXXX") || exit 1
export DLGPUTOOLS_TEST_CLEANUP="$state/cleanup"
: > "$DLGPUTOOLS_TEST_CLEANUP"
tmp=${TMPDIR:-/tmp}
tmp=${tmp%/}
child=
reaped=

# True while any process of the group is left (zombies count as gone: their reaper may never come). Builtins only:
# this runs over every process, several times.
group_alive() {
    local group=$1 stat line
    for stat in /proc/[0-9]*/stat; do
        read -r line < "$stat" 2>/dev/null || continue
        # After the command name, which may hold spaces and parentheses: state ppid pgrp ...
        set -- ${line##*) }
        [ "${3:-}" = "$group" ] && [ "$1" != Z ] && return 0
    done
    return 1
}

# Kills every process whose command line names the folder (a daemon's config or data folder, a staged runtime).
kill_users_of() {
    local cmdline pid arg
    for cmdline in /proc/[0-9]*/cmdline; do
        pid=${cmdline#/proc/}; pid=${pid%/cmdline}
        [ "$pid" = $$ ] && continue
        while IFS= read -r -d '' arg; do
            if [[ "$arg" == *"$1"* ]]; then kill -KILL "$pid" 2>/dev/null; break; fi
        done < "$cmdline" 2>/dev/null
    done
}

# Kills every process of a uid (a throwaway login user's remote session), so that userdel may remove the user.
kill_uid() {
    local status pid key real _
    for status in /proc/[0-9]*/status; do
        while read -r key real _; do
            if [ "$key" = Uid: ]; then
                if [ "$real" = "$1" ]; then pid=${status#/proc/}; kill -KILL "${pid%/status}" 2>/dev/null; fi
                break
            fi
        done < "$status" 2>/dev/null
    done
}

# Only what New-PrivateTempDirectory makes: an absolute path under a temporary folder, dlgpu- name, a real folder
# (not a link), owned by this user.
removable_dir() {
    case "$1" in *'/../'* | *'/./'*) return 1 ;; esac
    case "$1" in "$tmp"/dlgpu-* | /tmp/dlgpu-* | /var/tmp/dlgpu-*) ;; *) return 1 ;; esac
    [ -d "$1" ] && [ ! -L "$1" ] && [ -O "$1" ]
}

cleanup() {
    trap - TERM INT HUP EXIT
    if [ -n "$child" ]; then
        kill -TERM -- "-$child" 2>/dev/null
        # The child itself too, while its pid is still its own (not reaped): stopped in its first instant, it may
        # not lead its group yet.
        [ -z "$reaped" ] && kill -TERM "$child" 2>/dev/null
        for _ in $(seq 50); do group_alive "$child" || break; sleep 0.2; done
        kill -KILL -- "-$child" 2>/dev/null
    fi
    local kind value
    while read -r kind value; do
        [ "$kind" = dir ] && removable_dir "$value" && kill_users_of "$value"
    done < "$DLGPUTOOLS_TEST_CLEANUP"
    while read -r kind value; do
        case "$kind" in
            dir) removable_dir "$value" && rm -rf -- "$value" ;;
            user)
                if [[ "$value" =~ ^dlgpu[0-9a-f]{10}$ ]] && uid=$(id -u "$value" 2>/dev/null); then
                    kill_uid "$uid"
                    for _ in 1 2 3 4 5; do userdel "$value" 2>/dev/null && break; sleep 0.2; done
                fi ;;
        esac
    done < "$DLGPUTOOLS_TEST_CLEANUP"
    rm -rf -- "$state"
}

trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 129' HUP
trap cleanup EXIT

# In the background, in a session (and process group) of its own, so that the group can be signalled as one and
# so that bash runs the traps at once: it defers a trap until a foreground command ends, but not while in wait.
setsid "$@" &
child=$!
wait "$child"
rc=$?
reaped=1
exit "$rc"
