// Every pnpm install of this workspace (also the one `pnpm start` / `pnpm test` run when they find
// the install out of date) compiles better-sqlite3 against the Node headers of this machine: no
// prebuilt binary or header download is possible here, and pnpm >= 11 neither reads `nodedir`
// from .npmrc nor passes npm_config_* from the environment to build scripts unless told.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

function nodeHeadersDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  for (const prefix of [dirname(dirname(process.execPath)), '/usr', '/usr/local']) {
    if (existsSync(join(prefix, 'include', 'node', 'node.h'))) return prefix;
  }
  return undefined;
}

module.exports = {
  hooks: {
    updateConfig(config) {
      const nodedir = nodeHeadersDir();
      if (nodedir === undefined) return config;
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: nodedir } };
    },
  },
};
