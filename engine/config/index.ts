/**
 * Configuration: load once at start-up with {@link loadConfig}, then pass the frozen {@link Config}
 * (or the section a module needs) down from the composition root. See config/README.md.
 */

export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { configSchema, ROLES, STORE_BACKENDS, type Config, type Role, type StoreBackend } from './config-schema.js';
export { defaults } from './defaults.js';
export { CONFIG_ERRORS, ConfigError, formatProblem, type ConfigErrorCode, type ConfigProblem } from './errors.js';
