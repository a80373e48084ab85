import { expect } from 'chai';
import { InvalidConsumeOptions } from '../errors.js';
import { ALL_CATEGORY_TOPICS, InvalidSubject, topicOf, topicsFor } from './topics.js';

describe('Kafka topics', () => {
  it('puts a subject on the topic of its category', () => {
    expect(topicOf('agentplatform.events.agents.AgentCreated')).to.equal('agentplatform.events.agents');
    for (const bad of ['agentplatform.events.agents', 'other.events.agents.X', 'agentplatform.events.*.X']) {
      expect(() => topicOf(bad)).to.throw(InvalidSubject);
    }
  });

  it('subscribes to the category topics of exact and `.>` subjects, and to every category for a wildcard category', () => {
    expect(topicsFor(['agentplatform.events.agents.>', 'agentplatform.events.agents.A', 'agentplatform.events.runs.B'])).to.deep.equal({
      topics: ['agentplatform.events.agents', 'agentplatform.events.runs'],
      everyCategory: false,
    });
    expect(topicsFor(['agentplatform.events.*.A']).everyCategory).to.equal(true);
    expect(topicsFor(['agentplatform.events.>']).everyCategory).to.equal(true);
    expect(() => topicsFor(['elsewhere.x'])).to.throw(InvalidConsumeOptions);
    expect(ALL_CATEGORY_TOPICS.test('agentplatform.events.agents')).to.equal(true);
    expect(ALL_CATEGORY_TOPICS.test('agentplatform.events.agents.x')).to.equal(false);
  });
});
