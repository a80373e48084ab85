import { expect } from 'chai';
import { ProjectionName } from '@agent-platform/contracts';
import { readModelMigrations } from '@agent-platform/projectors';
import { projectionModules, projectors } from './domains.js';

describe('the read side assembled from the domains', () => {
  it('keeps the names and order databases already recorded, now that each domain owns its migrations', () => {
    // knex refuses to migrate a database whose recorded migrations are missing from the list: a renamed one would stop every deployed platform.
    const readModels = readModelMigrations(projectionModules);
    expect(readModels.tableName).to.equal('ap_migrations_read_models');
    expect(readModels.migrations.map((m) => m.name)).to.deep.equal([
      '1001_sessions',
      '1002_dead_letters',
      '1003_tools',
      '1004_agents',
      '1013_agent_knowledge_refs',
      '1005_agent_runs',
      '1006_agent_run_journal',
      '1015_agent_run_citations',
      '1033_agent_run_team',
      '1060_agent_run_waits',
      '1008_memories',
      '1012_memory_expiry',
      '1009_knowledge',
      '1010_knowledge_chunks',
      '1011_knowledge_chunk_changes',
      '1014_document_embedding_used',
      '1020_skills',
      '1021_skill_installations',
      '1022_skill_runs',
      '1031_teams',
      '1032_team_runs',
      '1040_human_tasks',
      '1041_human_task_history',
      '1042_human_task_expiry',
      '1050_scheduler',
      '1070_auth',
      '1007_parked_events',
    ]);
  });

  it('registers one projector under each projection name, so no query waits for a projection nobody writes', () => {
    expect(projectors.map((p) => p.name).sort()).to.deep.equal([...ProjectionName.options].sort());
  });
});
