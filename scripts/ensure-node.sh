# Sourced by ./run and .ci/run (from the repository root). Puts a Node within package.json's
# `engines` range first on PATH, installing Node 24 from the npm registry when the running node is
# older (a Node 22 below 22.18 cannot strip the types of the .ts sources), and points native addon
# builds at its headers.
node_version() { node --version 2>/dev/null | sed 's/^v//' || true; }

# True when dotted version $1 >= $2 (missing parts count as 0).
version_at_least() {
  local IFS=.
  # shellcheck disable=SC2206
  local -a have=($1) want=($2)
  local i
  for i in 0 1 2; do
    [ "${have[i]:-0}" -gt "${want[i]:-0}" ] && return 0
    [ "${have[i]:-0}" -lt "${want[i]:-0}" ] && return 1
  done
  return 0
}

# The range is written ">=X.Y[.Z]" in package.json; read it without needing a working node.
required_node="$(sed -n 's/^ *"node": *">= *\([0-9][0-9.]*\)".*/\1/p' package.json | head -n 1)"
required_node="${required_node:-22.18}"
running_node="$(node_version)"

if [ -z "$running_node" ] || ! version_at_least "$running_node" "$required_node"; then
  NODE24_PREFIX="${NODE24_PREFIX:-$HOME/.node24}"
  if [ ! -x "$NODE24_PREFIX/node_modules/.bin/node" ]; then
    echo "[setup] node ${running_node:-none} is older than $required_node (package.json engines): installing Node 24 into $NODE24_PREFIX" >&2
    npm install --prefix "$NODE24_PREFIX" --no-fund --no-audit --loglevel=error node@24 >&2
  fi
  export PATH="$NODE24_PREFIX/node_modules/.bin:$PATH"
  running_node="$(node_version)"
  if [ -z "$running_node" ] || ! version_at_least "$running_node" "$required_node"; then
    echo "[setup] $NODE24_PREFIX holds node ${running_node:-none}, still older than $required_node; remove it to reinstall" >&2
    exit 1
  fi
fi

# better-sqlite3 compiles against the running node's headers; a machine-wide npm `nodedir`
# may name an older node's, which would build a module this node cannot load.
node_bin_dir="$(dirname "$(node -p process.execPath)")"
for candidate in "$node_bin_dir/.." "$node_bin_dir"/../node_modules/node-*; do
  if [ -f "$candidate/include/node/node_version.h" ]; then
    npm_config_nodedir="$(cd "$candidate" && pwd)"
    export npm_config_nodedir
    break
  fi
done
