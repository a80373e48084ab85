import type { Migration } from '@agent-platform/infra';

export const JOBS = 'rm_scheduled_jobs';
export const FIRES = 'rm_scheduled_job_fires';

/**
 * Jobs and their fires. `due_at` is when a scheduler must next act on a job (its next slot, a retry, or the
 * end of a fire's lease); the schedulers and the external workers' claims find due jobs by it.
 */
export const schedulerReadModel: Migration = {
  name: '1050_scheduler',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_scheduled_jobs (
        id                      uuid PRIMARY KEY,
        workspace_id            text NOT NULL,
        job_type                text NOT NULL,
        name                    text NOT NULL,
        schedule_time           timestamptz,
        cron                    text,
        timezone                text NOT NULL,
        payload_json            jsonb NOT NULL,
        max_attempts            integer NOT NULL,
        retry_backoff_seconds   integer NOT NULL,
        misfire_policy          text NOT NULL,
        catch_up_window_seconds integer NOT NULL,
        dispatch                text NOT NULL,
        status                  text NOT NULL,
        next_fire_time          timestamptz,
        retry_at                timestamptz,
        due_at                  timestamptz,
        current_fire            jsonb,
        fire_count              integer NOT NULL DEFAULT 0,
        last_fired_slot         timestamptz,
        last_error              jsonb,
        created_time            timestamptz NOT NULL,
        updated_time            timestamptz NOT NULL
      );
      CREATE INDEX rm_scheduled_jobs_list ON rm_scheduled_jobs (workspace_id, created_time DESC, id DESC);
      CREATE INDEX rm_scheduled_jobs_due ON rm_scheduled_jobs (dispatch, due_at) WHERE due_at IS NOT NULL;
      CREATE TABLE rm_scheduled_job_fires (
        job_id       uuid NOT NULL,
        slot         timestamptz NOT NULL,
        attempt      integer NOT NULL,
        workspace_id text NOT NULL,
        status       text NOT NULL,
        fired_by     text NOT NULL,
        fired_at     timestamptz NOT NULL,
        lease_until  timestamptz NOT NULL,
        ended_at     timestamptz,
        result_json  jsonb,
        error        jsonb,
        retry_at     timestamptz,
        PRIMARY KEY (job_id, slot, attempt)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_scheduled_job_fires; DROP TABLE IF EXISTS rm_scheduled_jobs;');
  },
};
