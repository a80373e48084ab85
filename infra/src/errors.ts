/**
 * Errors an operator fixes by changing how the platform is started (configuration, data directory,
 * a running process): the command-line scripts print their message as one line, without a stack.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

export class DataDirInUseError extends StartupError {
  override name = 'DataDirInUseError';
}

export class DataDirUnusableError extends StartupError {
  override name = 'DataDirUnusableError';
}

export class ConfigError extends StartupError {
  override name = 'ConfigError';
}
