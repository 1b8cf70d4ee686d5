# Sourced by ./run and .ci/run. Puts a Node >= 22 first on PATH (installing Node 24 from the
# npm registry when the machine's node is older) and points native addon builds at its headers.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  NODE24_PREFIX="${NODE24_PREFIX:-$HOME/.node24}"
  if [ ! -x "$NODE24_PREFIX/node_modules/.bin/node" ]; then
    echo "[setup] node $(node --version 2>/dev/null || echo none) is older than 22: installing Node 24 into $NODE24_PREFIX" >&2
    npm install --prefix "$NODE24_PREFIX" --no-fund --no-audit --loglevel=error node@24 >&2
  fi
  export PATH="$NODE24_PREFIX/node_modules/.bin:$PATH"
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
