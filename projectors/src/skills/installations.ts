import { SkillInstalled, SkillUninstalled } from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { INSTALLATIONS } from './schema.js';

/** An installation reinstated after an uninstall keeps its row (its id is its skill and scope), installed again. */
const installed: Projection = (sql, e) => {
  const d = SkillInstalled.schema.parse(e.data);
  const row = { skill_id: d.skill_id, install_scope: d.install_scope, scope_id: d.scope_id, installed_by: d.installed_by, status: 'installed', uninstalled_by: null };
  return [
    sql(INSTALLATIONS)
      .insert({ id: d.installation_id, workspace_id: e.metadata.workspace_id, ...row, created_time: e.recorded_at, updated_time: e.recorded_at })
      .onConflict('id')
      .merge({ ...row, updated_time: e.recorded_at }),
  ];
};

const uninstalled: Projection = (sql, e) => {
  const d = SkillUninstalled.schema.parse(e.data);
  return [sql(INSTALLATIONS).where({ id: d.installation_id }).update({ status: 'uninstalled', uninstalled_by: d.uninstalled_by, updated_time: e.recorded_at })];
};

export const skillInstallationsProjector = projectorOf('skill-installations', [INSTALLATIONS], {
  [SkillInstalled.type]: installed,
  [SkillUninstalled.type]: uninstalled,
});
