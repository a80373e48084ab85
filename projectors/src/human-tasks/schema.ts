import type { Migration } from '@agent-platform/infra';

export const TASKS = 'rm_human_tasks';
export const HISTORY = 'rm_human_task_history';

/** The tasks, indexed for each filter of the list (newest first within the workspace). */
export const humanTasksReadModel: Migration = {
  name: '1040_human_tasks',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${TASKS} (
        id                    uuid PRIMARY KEY,
        workspace_id          text NOT NULL,
        task_type             text NOT NULL,
        title                 text NOT NULL,
        description           text,
        run_id                text,
        node_run_id           text,
        assigned_to           text,
        status                text NOT NULL,
        claimed_by            text,
        request_payload_json  jsonb NOT NULL,
        response_payload_json jsonb,
        comment               text,
        resolved_by           text,
        due_at                timestamptz,
        subject               jsonb,
        approved_input        jsonb,
        created_time          timestamptz NOT NULL,
        claimed_time          timestamptz,
        resolved_time         timestamptz,
        updated_time          timestamptz NOT NULL
      );
      CREATE INDEX ${TASKS}_list ON ${TASKS} (workspace_id, created_time DESC, id DESC);
      CREATE INDEX ${TASKS}_status ON ${TASKS} (workspace_id, status, created_time DESC, id DESC);
      CREATE INDEX ${TASKS}_assigned ON ${TASKS} (workspace_id, assigned_to, created_time DESC, id DESC) WHERE assigned_to IS NOT NULL;
      CREATE INDEX ${TASKS}_run ON ${TASKS} (workspace_id, run_id, created_time DESC, id DESC) WHERE run_id IS NOT NULL;
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${TASKS};`);
  },
};

/** One row per event of a task, in its stream's order. */
export const humanTaskHistoryReadModel: Migration = {
  name: '1041_human_task_history',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${HISTORY} (
        task_id       uuid NOT NULL,
        position      integer NOT NULL,
        workspace_id  text NOT NULL,
        action        text NOT NULL,
        status        text NOT NULL,
        actor         text,
        comment       text,
        recorded_time timestamptz NOT NULL,
        PRIMARY KEY (task_id, position)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${HISTORY};`);
  },
};

/** The expiry sweeper's question, "which open tasks are past their due_at", answered from an index of only those. */
export const humanTaskExpiryIndex: Migration = {
  name: '1042_human_task_expiry',
  up: async (knex) => {
    await knex.raw(`CREATE INDEX ${TASKS}_due ON ${TASKS} (due_at) WHERE due_at IS NOT NULL AND status IN ('pending', 'claimed');`);
  },
  down: async (knex) => {
    await knex.raw(`DROP INDEX IF EXISTS ${TASKS}_due;`);
  },
};
