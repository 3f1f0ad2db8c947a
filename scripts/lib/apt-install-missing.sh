# Sourced by the install scripts: apt_install_missing PACKAGE... installs (Debian 12, apt-get) those of the packages
# that are not installed yet, with sudo when not root. NODE_FROM_PATH=1 treats nodejs/npm as present when npm is on
# PATH (a machine may have Node.js from another source).
apt_install_missing() {
  local sudo_cmd=() missing=() package
  if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
  fi
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      if [[ "${NODE_FROM_PATH:-0}" == 1 && ( "$package" == nodejs || "$package" == npm ) ]] && command -v npm >/dev/null 2>&1; then
        continue
      fi
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} > 0)); then
    echo "Installing: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}
