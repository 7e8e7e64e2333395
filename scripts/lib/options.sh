# shellcheck shell=bash
# The command line of the scripts that take on/off switches only
# (scripts/test.sh, scripts/export-dynamic.sh, scripts/pack.sh).

# parse_switches [<option> <variable>=<value>]... -- "$@"
# Each argument that is a listed option sets its variable to its value;
# -h or --help prints the script's header comment and exits 0; anything else
# is an unknown option: a message on stderr, and exit 2.
parse_switches() {
  local -a _options=() _settings=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    _options+=("$1")
    _settings+=("$2")
    shift 2
  done
  [ "$#" -gt 0 ] || { echo "parse_switches: no -- before the arguments" >&2; exit 2; }
  shift
  local _arg _i
  for _arg in "$@"; do
    case "$_arg" in
      -h | --help)
        awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
        exit 0
        ;;
    esac
    for _i in "${!_options[@]}"; do
      if [ "$_arg" = "${_options[_i]}" ]; then
        printf -v "${_settings[_i]%%=*}" '%s' "${_settings[_i]#*=}"
        continue 2
      fi
    done
    echo "unknown option: $_arg (see --help)" >&2
    exit 2
  done
}
