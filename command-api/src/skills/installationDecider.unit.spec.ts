import { ConflictError, NotFoundError, type SkillInstallationEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { skillInstallationDecider } from './installationDecider.js';

const I = '4e5f6071-8293-44ab-8d5e-6f7a8b9cadbe';
const S = '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b';
const spec = deciderSpecification(skillInstallationDecider);
const body = { installation_id: I, skill_id: S, install_scope: 'workspace' as const, scope_id: 't1', installed_by: 'user-1' };
const installed: SkillInstallationEvent = { type: 'SkillInstalled', data: body };
const uninstalled: SkillInstallationEvent = { type: 'SkillUninstalled', data: { installation_id: I, skill_id: S, uninstalled_by: 'user-2' } };
const install = { type: 'InstallSkill', data: { ...body, workspace_id: 'public' } } as const;
const uninstall = (workspace_id = 'public') => ({ type: 'UninstallSkill', data: { installation_id: I, workspace_id, uninstalled_by: 'user-2' } }) as const;

describe('skill installation decider', () => {
  it('installs a skill in a scope once', () => {
    spec.given([]).when(install).then([installed]);
    spec.given([installed]).when(install).thenThrows(ConflictError, 'SKILL_ALREADY_INSTALLED');
  });
  it('uninstalls an installed skill once, and installs it again afterwards', () => {
    spec.given([installed]).when(uninstall()).then([uninstalled]);
    spec.given([installed, uninstalled]).when(uninstall()).thenThrows(ConflictError, 'SKILL_NOT_INSTALLED');
    spec.given([installed, uninstalled]).when(install).then([installed]);
  });
  it('knows no installation of another workspace, nor one never made', () => {
    spec.given([installed]).when(uninstall('other')).thenThrows(NotFoundError, 'SKILL_INSTALLATION_NOT_FOUND');
    spec.given([]).when(uninstall()).thenThrows(NotFoundError, 'SKILL_INSTALLATION_NOT_FOUND');
  });
});
