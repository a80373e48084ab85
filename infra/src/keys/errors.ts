import { ConflictError, PlatformError } from '@agent-platform/contracts';

/** The subject's key was destroyed: its content is erased and nothing may be sealed for it again. */
export class DataKeyDestroyed extends ConflictError {
  override name = 'DataKeyDestroyed';
  constructor(readonly workspaceId: string, readonly subject: string) {
    super('DATA_KEY_DESTROYED', `the data key of ${subject} in workspace ${workspaceId} was destroyed`);
  }
}

/** A key was asked for with other scopes than it was made with: a scope destroy would miss or overreach. */
export class DataKeyScopesDiffer extends PlatformError {
  override name = 'DataKeyScopesDiffer';
  constructor(readonly subject: string) {
    super('DATA_KEY_SCOPES_DIFFER', `the data key of ${subject} was made with other scopes`, 'internal', 'SYSTEM');
  }
}

/** A stored key is wrapped under a master key the keyring does not hold (retired too early, or the wrong one configured). */
export class MasterKeyMissing extends PlatformError {
  override name = 'MasterKeyMissing';
  constructor(readonly kekId: string) {
    super('MASTER_KEY_MISSING', `no master key with id ${kekId} is configured`, 'internal', 'SYSTEM');
  }
}

/** A stored key failed authentication under its master key: it was altered, or moved to another row. */
export class DataKeyCorrupt extends PlatformError {
  override name = 'DataKeyCorrupt';
  constructor(readonly subject: string, options?: { cause?: unknown }) {
    super('DATA_KEY_CORRUPT', `the stored data key of ${subject} does not authenticate`, 'internal', 'SYSTEM', options);
  }
}
