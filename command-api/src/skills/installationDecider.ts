import { ConflictError, NotFoundError, type SkillInstallationCommand, type SkillInstallationEvent } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

/**
 * An installation of a skill in one scope. Its id derives from the workspace, the skill and the scope, so a
 * skill is installed at most once per scope; one uninstalled may be installed again.
 */
export type SkillInstallationState =
  | { status: 'none' }
  | { status: 'installed' | 'uninstalled'; workspaceId: string; skillId: string };

export const skillInstallationDecider: Decider<SkillInstallationState, SkillInstallationCommand, SkillInstallationEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SkillInstalled':
        return { status: 'installed', workspaceId: event.metadata.workspace_id, skillId: event.data.skill_id };
      case 'SkillUninstalled':
        return state.status === 'none' ? state : { ...state, status: 'uninstalled' };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'InstallSkill': {
        const { workspace_id: _workspace, ...data } = command.data;
        if (state.status === 'installed') {
          throw new ConflictError('SKILL_ALREADY_INSTALLED', `skill ${data.skill_id} is already installed in ${data.install_scope} ${data.scope_id}`);
        }
        return [{ type: 'SkillInstalled', data }];
      }
      case 'UninstallSkill': {
        const { installation_id, workspace_id, uninstalled_by } = command.data;
        if (state.status === 'none' || state.workspaceId !== workspace_id) {
          throw new NotFoundError('SKILL_INSTALLATION_NOT_FOUND', `skill installation ${installation_id} does not exist in this workspace`);
        }
        if (state.status === 'uninstalled') throw new ConflictError('SKILL_NOT_INSTALLED', `skill installation ${installation_id} is already uninstalled`);
        return [{ type: 'SkillUninstalled', data: { installation_id, skill_id: state.skillId, uninstalled_by: uninstalled_by ?? null } }];
      }
    }
  },
};
