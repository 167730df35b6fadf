# Sourced by the other scripts: installs what the build and the local runtime
# need, once, from the package registries only, and exports where it is.
# A second run finds the right versions in place and skips each install.
#
# Settings (environment):
#   SWITCHBOARD_TOOLS  where the cargo-installed tools live
#                      (default: ~/.cache/switchboard/tools)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SWITCHBOARD_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/tools}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The version of a crate as Cargo.lock resolved it: the CLIs must match it.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# ensure_cargo_tool CRATE VERSION BINARY: installs CRATE at VERSION into its
# own folder under $TOOLS unless BINARY there already reports that version.
ensure_cargo_tool() {
  local crate=$1 version=$2 binary=$3
  local root="$TOOLS/$crate-$version"
  if [[ -x "$root/bin/$binary" ]] && "$root/bin/$binary" --version 2>/dev/null | grep -qF "$version"; then
    return
  fi
  say "installing $crate $version (once; several minutes)"
  # No --locked: one locked dependency of wasm-bindgen-cli is missing from the registry.
  cargo install --quiet "$crate" --version "=$version" --root "$root"
}

ensure_node_modules() {
  local stamp="$ROOT/node_modules/.switchboard-lock"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return
  fi
  say "installing wrangler, binaryen and esbuild (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

# ensure_python_clients: a virtual environment under $TOOLS with the Python
# clients the end-to-end stage drives (tests/e2e/requirements.txt, from PyPI),
# remade only when that file changes. Prints the environment's python.
ensure_python_clients() {
  local venv="$TOOLS/python-clients"
  local stamp="$venv/.switchboard-requirements"
  local want
  want="$(sha256sum "$ROOT/tests/e2e/requirements.txt" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    say "installing the Python clients of the end-to-end tests (pip, into $venv)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/e2e/requirements.txt"
    echo "$want" >"$stamp"
  fi
  echo "$venv/bin/python"
}

# ensure_chromium: Debian's Chromium at /usr/bin/chromium, which the browser
# check of the HTML report (tests/report/check.mjs) drives; installed with
# apt-get when missing (through sudo when not root and sudo is there).
ensure_chromium() {
  local chromium=/usr/bin/chromium
  if [[ -x "$chromium" ]]; then
    return
  fi
  local -a privileged=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      privileged=(sudo)
    else
      echo "ensure_chromium: $chromium is missing, and installing it needs root or sudo" >&2
      return 1
    fi
  fi
  say "installing Debian's chromium (apt-get; once)"
  "${privileged[@]}" apt-get update -qq
  "${privileged[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends chromium
  if [[ ! -x "$chromium" ]]; then
    echo "ensure_chromium: apt-get installed chromium, yet $chromium is still missing" >&2
    return 1
  fi
}

ensure_toolchain() {
  if [[ ! -f "$ROOT/Cargo.lock" ]]; then
    (cd "$ROOT" && cargo generate-lockfile)
  fi
  local bindgen worker insta
  bindgen="$(locked_version wasm-bindgen)"
  worker="$(locked_version worker)"
  insta="$(locked_version insta)"
  ensure_wasm_target
  ensure_cargo_tool wasm-bindgen-cli "$bindgen" wasm-bindgen
  ensure_cargo_tool worker-build "$worker" worker-build
  ensure_cargo_tool cargo-insta "$insta" cargo-insta
  ensure_node_modules

  # worker-build takes each tool from these before trying to download it.
  export WASM_BINDGEN_BIN="$TOOLS/wasm-bindgen-cli-$bindgen/bin/wasm-bindgen"
  export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
  export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
  export PATH="$TOOLS/worker-build-$worker/bin:$TOOLS/cargo-insta-$insta/bin:$ROOT/node_modules/.bin:$PATH"

  # wrangler offline and quiet: no telemetry, no Request.cf fetch.
  export WRANGLER_SEND_METRICS=false
  export WRANGLER_SEND_ERROR_REPORTS=false
  export CLOUDFLARE_CF_FETCH_ENABLED=false
}

# A free TCP port on the loopback interface.
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# load_local_database DIR: applies the migrations, then the demo data, to the
# local D1 database kept under DIR (wrangler's --persist-to).
load_local_database() {
  local state=$1 file
  (cd "$ROOT" && wrangler d1 migrations apply DB --local --persist-to "$state" </dev/null >/dev/null)
  for file in "$ROOT"/demo/*.sql; do
    (cd "$ROOT" && wrangler d1 execute DB --local --persist-to "$state" --file "$file" </dev/null >/dev/null)
  done
}
