package io.kalmstream.schemas.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics of DESIGN.md with their local defaults. Every name can be overridden, so a team can
 * map the pipeline onto the topic names of an existing cluster.
 */
public record Topics(
    TopicSpec entities,
    TopicSpec relations,
    TopicSpec triples,
    TopicSpec contrastiveBatches,
    TopicSpec instructionBatches,
    TopicSpec evalTriples,
    TopicSpec checkpoints,
    TopicSpec queries,
    TopicSpec predictions,
    TopicSpec metrics,
    TopicSpec alerts,
    TopicSpec deadLetters) {

  public static Topics defaults() {
    return new Topics(
        new TopicSpec("kg.entities", 3, true),
        new TopicSpec("kg.relations", 1, true),
        new TopicSpec("kg.triples", 3, true),
        new TopicSpec("kg.batches.contrastive", 1, false),
        new TopicSpec("kg.batches.instruction", 1, false),
        new TopicSpec("kg.eval.triples", 1, true),
        new TopicSpec("kg.checkpoints", 1, true),
        new TopicSpec("kg.queries", 3, false),
        new TopicSpec("kg.predictions", 3, false),
        new TopicSpec("kg.metrics", 1, false),
        new TopicSpec("kg.alerts", 1, false),
        new TopicSpec("kg.dlq", 1, false));
  }

  /**
   * Applies overrides keyed by the default topic name (for example {@code kg.triples=prod.facts}),
   * as read from the command line or from {@code KALM_TOPIC_<NAME>} environment variables.
   */
  public Topics withOverrides(Map<String, String> renames) {
    Topics d = this;
    return new Topics(
        rename(d.entities, renames),
        rename(d.relations, renames),
        rename(d.triples, renames),
        rename(d.contrastiveBatches, renames),
        rename(d.instructionBatches, renames),
        rename(d.evalTriples, renames),
        rename(d.checkpoints, renames),
        rename(d.queries, renames),
        rename(d.predictions, renames),
        rename(d.metrics, renames),
        rename(d.alerts, renames),
        rename(d.deadLetters, renames));
  }

  public List<TopicSpec> all() {
    return List.of(
        entities,
        relations,
        triples,
        contrastiveBatches,
        instructionBatches,
        evalTriples,
        checkpoints,
        queries,
        predictions,
        metrics,
        alerts,
        deadLetters);
  }

  /**
   * Admin requests for every topic, e.g. {@code
   * runtime.createTopics(Topics.defaults().newTopics((short) 1))} on the embedded runtime or {@code
   * TopicCreator.createMissing(admin, topics.newTopics((short) 3))} on a real cluster.
   */
  public List<NewTopic> newTopics(short replicationFactor) {
    return all().stream().map(spec -> spec.toNewTopic(replicationFactor)).toList();
  }

  private static TopicSpec rename(TopicSpec spec, Map<String, String> renames) {
    String name = renames.get(spec.name());
    return name == null ? spec : spec.withName(name);
  }
}
