package io.kalmstream.batching;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.util.List;
import java.util.Map;

/**
 * A knowledge graph in KG-BERT layout, read into the records that travel on Kafka. The triples
 * carry their split ("train", "dev", "test") so a loader can keep it when it produces them.
 */
public record KgDataset(
    Map<String, EntityDescription> entities,
    Map<String, RelationDescription> relations,
    List<Triple> train,
    List<Triple> dev,
    List<Triple> test) {

  public static final String TRAIN = "train";
  public static final String DEV = "dev";
  public static final String TEST = "test";

  /** The known facts of the filtered setting: every triple of every split. */
  public InMemoryKnownFacts allFacts() {
    InMemoryKnownFacts facts = new InMemoryKnownFacts();
    for (List<Triple> split : List.of(train, dev, test)) {
      split.forEach(facts::add);
    }
    return facts;
  }
}
