import type { Migration } from '@agent-platform/infra';

export const AUTH_USERS = 'rm_auth_users';
export const AUTH_ROLES = 'rm_auth_roles';
/** An assignment's row lives while it holds: its removal deletes it. */
export const AUTH_ASSIGNMENTS = 'rm_auth_assignments';

export const authReadModel: Migration = {
  name: '1070_auth',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${AUTH_USERS} (
        id            uuid PRIMARY KEY,
        workspace_id  text NOT NULL,
        username      text NOT NULL,
        display_name  text,
        email         text,
        status        text NOT NULL,
        created_time  timestamptz NOT NULL,
        updated_time  timestamptz NOT NULL
      );
      CREATE INDEX rm_auth_users_list ON ${AUTH_USERS} (workspace_id, created_time DESC, id DESC);

      CREATE TABLE ${AUTH_ROLES} (
        id               uuid PRIMARY KEY,
        workspace_id     text NOT NULL,
        code             text NOT NULL,
        name             text NOT NULL,
        permissions_json jsonb NOT NULL,
        created_time     timestamptz NOT NULL
      );
      CREATE INDEX rm_auth_roles_list ON ${AUTH_ROLES} (workspace_id, created_time DESC, id DESC);

      CREATE TABLE ${AUTH_ASSIGNMENTS} (
        id                 uuid PRIMARY KEY,
        workspace_id       text NOT NULL,
        user_id            uuid NOT NULL,
        role_id            uuid NOT NULL,
        scope_workspace_id text,
        created_time       timestamptz NOT NULL
      );
      CREATE INDEX rm_auth_assignments_list ON ${AUTH_ASSIGNMENTS} (workspace_id, created_time DESC, id DESC);
      CREATE INDEX rm_auth_assignments_by_user ON ${AUTH_ASSIGNMENTS} (workspace_id, user_id, created_time DESC, id DESC);
      CREATE INDEX rm_auth_assignments_by_role ON ${AUTH_ASSIGNMENTS} (workspace_id, role_id, created_time DESC, id DESC);
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${AUTH_ASSIGNMENTS}; DROP TABLE IF EXISTS ${AUTH_ROLES}; DROP TABLE IF EXISTS ${AUTH_USERS};`);
  },
};
