import config from "@duban/eslint-config";

export default config;
