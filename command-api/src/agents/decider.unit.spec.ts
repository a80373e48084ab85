import { expect } from 'chai';
import { ConflictError, NotFoundError, type AgentEvent, type AgentVersionDefinition } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { agentDecider, runnableVersion } from './decider.js';

const A = '4e5f6071-8293-4a4b-8d5e-6f7a8b9cadbe';
const V1 = '5f607182-93a4-4b5c-9e6f-7a8b9cadbecf';
const V2 = '60718293-a4b5-4c6d-8f7a-8b9cadbecfd0';
const spec = deciderSpecification(agentDecider);
const definition: AgentVersionDefinition = {
  role: 'sales_assistant',
  goal: 'Help qualify leads',
  system_prompt: 'You are a careful sales assistant.',
  model_config: { react_enabled: true, react_max_steps: 5, ask_human_enabled: false },
  memory_policy: { enabled: false, memory_scope: 'session', read_top_k: 5, write_enabled: false, config_json: {} },
  tool_refs: [],
  skill_refs: [],
  knowledge_refs: [],
};
const created: AgentEvent = { type: 'AgentCreated', data: { agent_id: A, code: 'sales_agent', name: 'Sales Agent', agent_type: 'assistant', description: null } };
const version = (version_id: string, version_no: number): AgentEvent => ({ type: 'AgentVersionCreated', data: { ...definition, agent_id: A, version_id, version_no } });
const published = (version_id: string): AgentEvent => ({ type: 'AgentVersionPublished', data: { agent_id: A, version_id } });
const archived = (version_id: string): AgentEvent => ({ type: 'AgentVersionArchived', data: { agent_id: A, version_id } });
const newVersion = (version_id: string, status: 'draft' | 'published' | 'archived' = 'draft', workspace_id = 'public') =>
  ({ type: 'CreateAgentVersion', data: { ...definition, agent_id: A, version_id, workspace_id, status } }) as const;
const act = (type: 'PublishAgentVersion' | 'ArchiveAgentVersion', version_id: string) => ({ type, data: { agent_id: A, version_id, workspace_id: 'public' } }) as const;

describe('agent decider', () => {
  it('creates an agent with a free code, and refuses a taken one', () => {
    const create = { type: 'CreateAgent', data: { agent_id: A, workspace_id: 'public', code: 'sales_agent', name: 'Sales Agent', agent_type: 'assistant' } } as const;
    spec.given([]).when(create).then([created]);
    spec.given([created]).when(create).thenThrows(ConflictError, 'AGENT_CODE_TAKEN');
  });

  it('numbers versions from 1, as drafts unless asked otherwise', () => {
    spec.given([created]).when(newVersion(V1)).then([version(V1, 1)]);
    spec.given([created, version(V1, 1)]).when(newVersion(V2, 'published')).then([version(V2, 2), published(V2)]);
    spec.given([created]).when(newVersion(V1, 'archived')).then([version(V1, 1), archived(V1)]);
  });

  it('refuses a version of an agent that does not exist here', () => {
    spec.given([]).when(newVersion(V1)).thenThrows(NotFoundError, 'AGENT_NOT_FOUND');
    spec.given([created]).when(newVersion(V1, 'draft', 'other')).thenThrows(NotFoundError, 'AGENT_NOT_FOUND');
  });

  it('publishes only a draft', () => {
    spec.given([created, version(V1, 1)]).when(act('PublishAgentVersion', V1)).then([published(V1)]);
    spec.given([created, version(V1, 1), published(V1)]).when(act('PublishAgentVersion', V1)).thenThrows(ConflictError, 'AGENT_VERSION_NOT_DRAFT');
    spec.given([created]).when(act('PublishAgentVersion', V1)).thenThrows(NotFoundError, 'AGENT_VERSION_NOT_FOUND');
  });

  it('archives a draft or a published version, once', () => {
    spec.given([created, version(V1, 1), published(V1)]).when(act('ArchiveAgentVersion', V1)).then([archived(V1)]);
    spec.given([created, version(V1, 1), archived(V1)]).when(act('ArchiveAgentVersion', V1)).thenThrows(ConflictError, 'AGENT_VERSION_ARCHIVED');
  });
});

describe('the version a run uses', () => {
  const fold = (events: AgentEvent[]) =>
    events.reduce((s, e) => agentDecider.evolve(s, { ...e, metadata: { workspace_id: 'public' } }), agentDecider.initialState());
  it('is the newest published one when none is asked for', () => {
    const state = fold([created, version(V1, 1), published(V1), version(V2, 2), published(V2)]);
    expect(runnableVersion(state, A, 'public')).to.equal(V2);
    expect(runnableVersion(fold([created, version(V1, 1), published(V1), version(V2, 2)]), A, 'public')).to.equal(V1);
  });
  it('is the one asked for, unless archived', () => {
    const state = fold([created, version(V1, 1), version(V2, 2), archived(V2)]);
    expect(runnableVersion(state, A, 'public', V1)).to.equal(V1);
    expect(() => runnableVersion(state, A, 'public', V2)).to.throw(ConflictError);
  });
  it('does not exist for an agent without a published version, or of another workspace', () => {
    expect(() => runnableVersion(fold([created, version(V1, 1)]), A, 'public')).to.throw(ConflictError);
    expect(() => runnableVersion(fold([created]), A, 'other')).to.throw(NotFoundError);
  });
});
